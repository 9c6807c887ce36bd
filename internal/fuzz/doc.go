// Package fuzz holds fuzz targets of packages whose own tests link the
// store. go test -fuzz instruments every package linked into the test
// binary, and a binary with the SQLite engine in it spends most of each
// execution on its coverage counters: the webhook decoder ran a few
// execs/s beside the intake's tests, and thousands here. Targets whose
// package tests do not link the store stay in that package (FuzzParse in
// postmortem, FuzzCheck in lint).
package fuzz
