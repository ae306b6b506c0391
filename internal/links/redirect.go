package links

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"herald/internal/model"
	"herald/internal/store"
)

// Short codes are codeLen characters of a URL-safe alphabet drawn from
// crypto/rand: 62^10 ≈ 8·10^17 codes, so guessing a live one is hopeless
// and codes say nothing about how many links exist.
const (
	codeLen      = CodeLength
	codeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// CodeLength is the length of every short code, so others can know how
// long a short URL will be before it exists.
const CodeLength = 10

func newCode() string {
	b := make([]byte, codeLen)
	_, _ = rand.Read(b)
	for i := range b {
		// 256 % 62 = 8: the first eight letters are a little likelier,
		// which costs a fraction of a bit of entropy per character.
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

// validCode rejects anything that cannot be a code before any lookup, so
// scans with junk paths never reach the cache or the database.
func validCode(s string) bool {
	if len(s) != codeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// codeCache maps codes to targets in memory so redirects skip the
// database. It is bounded (entries are dropped at random when full) and
// entries expire after a short TTL, so an edit made through another
// instance is seen within seconds; this instance invalidates its own
// entries on update and delete. Unknown codes are cached too, briefly, so
// a flood of well-formed but unknown codes does not hammer the database.
type codeCache struct {
	mu  sync.RWMutex
	m   map[string]cacheEntry
	max int
	ttl time.Duration
}

type cacheEntry struct {
	target, linkID string // target "" for an unknown code
	tag            bool   // add the click ID to the target
	expires        int64  // unix nanoseconds
}

func newCodeCache(max int, ttl time.Duration) *codeCache {
	return &codeCache{m: make(map[string]cacheEntry, max), max: max, ttl: ttl}
}

func (c *codeCache) get(code string, now int64) (cacheEntry, bool) {
	c.mu.RLock()
	e, ok := c.m[code]
	c.mu.RUnlock()
	return e, ok && now < e.expires
}

func (c *codeCache) put(code string, e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		// Drop an eighth of the entries; map order is random enough to
		// keep hot codes likely to survive without LRU bookkeeping.
		n := c.max / 8
		for k := range c.m {
			if n <= 0 {
				break
			}
			delete(c.m, k)
			n--
		}
	}
	c.m[code] = e
}

func (c *codeCache) drop(code string) {
	c.mu.Lock()
	delete(c.m, code)
	c.mu.Unlock()
}

// errUnknownCode marks a code no link has.
var errUnknownCode = errors.New("links: unknown code")

// resolve returns the target, link ID and click tagging of a code.
func (s *Service) resolve(ctx context.Context, code string) (cacheEntry, error) {
	if !validCode(code) {
		return cacheEntry{}, errUnknownCode
	}
	now := s.now()
	if e, ok := s.cache.get(code, now.UnixNano()); ok {
		if e.target == "" {
			return e, errUnknownCode
		}
		return e, nil
	}
	l, err := s.Store.Read().LinkByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		s.cache.put(code, cacheEntry{expires: now.Add(s.negativeTTL()).UnixNano()})
		return cacheEntry{}, errUnknownCode
	} else if err != nil {
		return cacheEntry{}, err
	}
	e := cacheEntry{target: l.URL, linkID: l.ID, expires: now.Add(s.cacheTTL()).UnixNano()}
	if s.ClickIDs != nil {
		if e.tag, err = s.ClickIDs.TagsClicks(ctx, l.WorkspaceID); err != nil {
			return cacheEntry{}, err
		}
	}
	s.cache.put(code, e)
	return e, nil
}

func (s *Service) cacheTTL() time.Duration {
	if s.CacheTTL > 0 {
		return s.CacheTTL
	}
	return 30 * time.Second
}

func (s *Service) negativeTTL() time.Duration { return min(s.cacheTTL(), 5*time.Second) }

// Redirect is the short-link handler for GET and HEAD. The code is the
// {code} path value (Herald's /l/{code}) or else the whole path after "/"
// (the short domain's /{code}). Known codes answer 302 to the stored
// target and journal the click; everything else is a plain 404, so the
// handler can never be used to redirect to an arbitrary URL. It writes
// nothing to the database.
func (s *Service) Redirect() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
		code := r.PathValue("code")
		if code == "" {
			code = strings.TrimPrefix(r.URL.Path, "/")
		}
		if err := s.init(); err != nil {
			s.logger().Error("click journal unavailable", "err", err)
		}
		e, err := s.resolve(r.Context(), code)
		if errors.Is(err, errUnknownCode) {
			http.NotFound(w, r)
			return
		} else if err != nil {
			s.logger().Error("resolve short link", "err", err)
			http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		target := e.target
		if id := s.record(r, e.linkID); e.tag && id != "" {
			target = withClickID(target, id)
		}
		h := w.Header()
		h.Set("Location", target)
		// Every visit must reach Herald to be counted.
		h.Set("Cache-Control", "private, no-store")
		w.WriteHeader(http.StatusFound)
	})
}

// record journals a click and returns its ID ("" when it could not be
// journaled). A failed write loses that one click but never the redirect:
// the visitor matters more than the count.
func (s *Service) record(r *http.Request, linkID string) string {
	if s.journal == nil {
		return ""
	}
	c := model.Click{ID: s.journal.nextID(), LinkID: linkID, At: s.now(), Referrer: ReferrerClass(r.Referer()),
		Bot: IsBot(r, s.CountCLIClients)}
	if err := s.journal.append(c); err != nil {
		s.logger().Error("journal click", "err", err)
		return ""
	}
	return c.ID
}

// ClickParam is the query parameter that carries a click ID to the
// destination, where the conversion snippet picks it up.
const ClickParam = "hclid"

// withClickID adds hclid=<id> to target's query, keeping the rest of the
// address (query and fragment) exactly as stored. IDs are [0-9a-z-], so
// they need no escaping.
func withClickID(target, id string) string {
	rest, frag, hasFrag := strings.Cut(target, "#")
	sep := "?"
	if strings.Contains(rest, "?") {
		sep = "&"
		if strings.HasSuffix(rest, "?") || strings.HasSuffix(rest, "&") {
			sep = ""
		}
	}
	out := rest + sep + ClickParam + "=" + id
	if hasFrag {
		out += "#" + frag
	}
	return out
}

// ForgetAll empties this instance's code cache, so a change that alters
// every redirect of a workspace (conversion tracking turned on or off)
// applies at once here; other instances follow when entries expire.
func (s *Service) ForgetAll() {
	_ = s.init()
	s.cache.mu.Lock()
	clear(s.cache.m)
	s.cache.mu.Unlock()
}
