package markdown

import (
	"html/template"
	"sync"
)

// renderCacheBytes bounds the HTML the render cache keeps.
const renderCacheBytes = 32 << 20

// rendered caches rendered HTML by the SHA-256 of its source.
var rendered = &renderCache{max: renderCacheBytes}

// renderCache is a size-bounded cache of rendered HTML. When full it
// starts again empty: a document viewed again is rendered once more, and
// the cache never grows past its bound.
type renderCache struct {
	mu    sync.Mutex
	max   int
	size  int
	items map[[32]byte]template.HTML
}

func (c *renderCache) get(key [32]byte) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.items[key]
	return h, ok
}

func (c *renderCache) put(key [32]byte, h template.HTML) {
	if len(h) > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil || c.size+len(h) > c.max {
		c.items, c.size = map[[32]byte]template.HTML{}, 0
	}
	if _, ok := c.items[key]; !ok {
		c.items[key] = h
		c.size += len(h)
	}
}
