// Package hindsight holds the domain of the Hindsight post-mortem system: the
// types, their validation rules, the document and incident state machines, the
// pure date and SLO calculations, and the service interfaces that stores
// implement (Services, the transactional ones; Store, the rest). It imports
// only the standard library; every other package of the module may import
// it, and it imports none of them.
package hindsight
