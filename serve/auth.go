package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// APIKey is a bearer token a client presents (Authorization: Bearer TOKEN) and the name jobs
// and logs record instead of the token.
type APIKey struct {
	Name  string
	Token string
}

// minTokenLen is the shortest token LoadAPIKeys accepts (16 characters).
const minTokenLen = 16

// maxKeysFileBytes bounds the keys file.
const maxKeysFileBytes = 1 << 20

// ParseAPIKeys reads a keys file: one key per line, "NAME TOKEN" or a bare TOKEN (named
// key-N for its line N); blank lines and lines starting with # are skipped. Tokens are at
// least 16 characters of printable ASCII without spaces; names and tokens are unique. name
// identifies the file in errors.
func ParseAPIKeys(data []byte, name string) ([]APIKey, error) {
	var keys []APIKey
	names, tokens := map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<10)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		var k APIKey
		switch len(fields) {
		case 1:
			k = APIKey{Name: fmt.Sprintf("key-%d", line), Token: fields[0]}
		case 2:
			k = APIKey{Name: fields[0], Token: fields[1]}
		default:
			return nil, fmt.Errorf("serve: api keys %s line %d: want TOKEN or NAME TOKEN", name, line)
		}
		if len(k.Token) < minTokenLen {
			return nil, fmt.Errorf("serve: api keys %s line %d: token shorter than %d characters", name, line, minTokenLen)
		}
		for _, c := range []byte(k.Token + k.Name) {
			if c <= ' ' || c >= 0x7f {
				return nil, fmt.Errorf("serve: api keys %s line %d: want printable ASCII", name, line)
			}
		}
		if names[k.Name] || tokens[k.Token] {
			return nil, fmt.Errorf("serve: api keys %s line %d: key %s given twice", name, line, k.Name)
		}
		names[k.Name], tokens[k.Token] = true, true
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("serve: api keys %s: %w", name, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("serve: api keys %s: no keys", name)
	}
	return keys, nil
}

// LoadAPIKeys reads the keys file at path (ParseAPIKeys).
func LoadAPIKeys(path string) ([]APIKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("serve: api keys: %w", err)
	}
	if !st.Mode().IsRegular() || st.Size() > maxKeysFileBytes {
		return nil, fmt.Errorf("serve: api keys %s: want a regular file of at most %d bytes", path, maxKeysFileBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("serve: api keys: %w", err)
	}
	return ParseAPIKeys(data, path)
}

// authenticator checks bearer tokens in constant time: every key's SHA-256 is compared with
// the presented token's, all of them, so neither the time nor the order of keys tells which
// prefix matched.
type authenticator struct {
	names  []string
	hashes [][sha256.Size]byte
}

func newAuthenticator(keys []APIKey) *authenticator {
	a := &authenticator{}
	for _, k := range keys {
		a.names = append(a.names, k.Name)
		a.hashes = append(a.hashes, sha256.Sum256([]byte(k.Token)))
	}
	return a
}

// check returns the key name for token, or false.
func (a *authenticator) check(token string) (string, bool) {
	h := sha256.Sum256([]byte(token))
	found := -1
	for i := range a.hashes {
		if subtle.ConstantTimeCompare(h[:], a.hashes[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", false
	}
	return a.names[found], true
}

// bearer returns the token of an "Authorization: Bearer TOKEN" header, else of the
// access_token query parameter where allowed (browsers cannot set headers on EventSource and
// <video src>).
func bearer(r *http.Request, queryOK bool) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if queryOK {
		return r.URL.Query().Get("access_token")
	}
	return ""
}

// limiters holds one token bucket per client (key name, or remote address without keys).
type limiters struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	m     map[string]*limiterEntry
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiters(perSecond float64, burst int) *limiters {
	return &limiters{rate: rate.Limit(perSecond), burst: burst, m: map[string]*limiterEntry{}}
}

// allow takes one token from client's bucket; when it is empty it returns how long to wait.
func (l *limiters) allow(client string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.m[client]
	if e == nil {
		if len(l.m) > 10000 { // forget idle clients, so that many addresses cannot grow the map
			for k, v := range l.m {
				if now.Sub(v.seen) > 10*time.Minute {
					delete(l.m, k)
				}
			}
		}
		e = &limiterEntry{lim: rate.NewLimiter(l.rate, l.burst)}
		l.m[client] = e
	}
	e.seen = now
	r := e.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// clientAddr is the remote host of r (no port).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// IsLoopback reports whether addr (HOST:PORT) is on loopback only (localhost, 127.0.0.0/8, ::1).
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
