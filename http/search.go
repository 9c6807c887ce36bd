package http

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hindsight-sre/hindsight"
)

// searchCountLimit is the number of matches hindsight.SearchService counts
// exactly: a total of searchCountLimit+1 means "more than searchCountLimit".
const searchCountLimit = 1000

// searchList is the body of GET /api/v1/search: the pagination envelope of
// every list, and whether the total is a floor.
type searchList struct {
	Items []*hindsight.SearchResult `json:"items"`
	// Total is the number of matches, exact up to 1,000.
	Total int `json:"total"`
	// TotalCapped is true when more than 1,000 incidents match: Total is
	// then 1,000 and a client shows "1,000+".
	TotalCapped bool `json:"total_capped"`
	Offset      int  `json:"offset"`
	Limit       int  `json:"limit"`
}

// registerSearchRoutes adds the full-text search of the JSON API, readable
// like the incidents list.
func (s *Server) registerSearchRoutes() {
	s.mux.HandleFunc("GET /api/v1/search", s.readable(s.handleSearch))
}

// handleSearch searches incidents for the words of q, best first, narrowed
// by the incidents list's filters and paged by offset and limit. Each
// result's snippet is safe HTML whose only markup is <mark>.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q, err := parseSearchQuery(r.URL.Query())
	if err != nil {
		Error(w, r, err)
		return
	}
	if s.UIStore == nil {
		Error(w, r, hindsight.Errorf(hindsight.EUNAVAILABLE, "search is not available on this server"))
		return
	}
	items, total, err := s.UIStore.Search(r.Context(), q)
	if err != nil {
		Error(w, r, err)
		return
	}
	if items == nil {
		items = []*hindsight.SearchResult{}
	}
	p := q.Page.Normalize()
	out := searchList{Items: items, Total: total, Offset: p.Offset, Limit: p.Limit}
	if total > searchCountLimit {
		out.Total, out.TotalCapped = searchCountLimit, true
	}
	writeJSON(w, http.StatusOK, out)
}

// parseSearchQuery reads the search's parameters: q (required) and the
// incidents list's filters, reporting every bad one in a single error.
func parseSearchQuery(q url.Values) (hindsight.SearchQuery, error) {
	var v hindsight.Validation
	f, err := parseIncidentFilter(q)
	var bad *hindsight.Error
	if errors.As(err, &bad) {
		for _, fe := range bad.Fields {
			v.Add(fe.Field, "%s", fe.Message)
		}
	} else if err != nil {
		return hindsight.SearchQuery{}, err
	}
	text := strings.TrimSpace(q.Get("q"))
	if text == "" {
		v.Add("q", "is required: the words to search for")
	} else if _, err := hindsight.SearchTerms(text); errors.As(err, &bad) {
		for _, fe := range bad.Fields {
			v.Add("q", "%s", fe.Message)
		}
	}
	return hindsight.SearchQuery{Text: text, IncidentFilter: f}, v.Err("query")
}
