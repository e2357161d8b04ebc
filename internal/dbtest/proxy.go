package dbtest

import (
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy stands between a test's server and PostgreSQL, so that the test
// can make the database misbehave as it does in production: Freeze stops
// it answering while its connections stay open (a PostgreSQL paused with
// SIGSTOP, a network that drops everything: the kernel still accepts
// connections), Drop closes every connection it has (a restart), Refuse
// turns new connections away as a server that is down does.
type Proxy struct {
	target string
	ln     net.Listener
	addr   string

	mu      sync.Mutex
	frozen  bool
	thawed  *sync.Cond
	refused bool
	conns   map[net.Conn]struct{}
}

// NewProxy forwards connections to the test server until the test ends.
func NewProxy(tb testing.TB) *Proxy {
	tb.Helper()
	u, err := url.Parse(ServerURL())
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &Proxy{target: u.Host, ln: ln, addr: ln.Addr().String(), conns: map[net.Conn]struct{}{}}
	p.thawed = sync.NewCond(&p.mu)
	go p.accept()
	tb.Cleanup(func() {
		p.Thaw()
		ln.Close()
		p.Drop()
	})
	return p
}

// URL is db's URL through the proxy.
func (p *Proxy) URL(db *DB) string {
	u, err := url.Parse(db.URL)
	if err != nil {
		panic(err)
	}
	u.Host = p.addr
	return u.String()
}

// Freeze stops forwarding in both directions: what is sent waits, and
// new connections are accepted but get no answer.
func (p *Proxy) Freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frozen = true
}

// Thaw forwards again what waited and what follows.
func (p *Proxy) Thaw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.frozen = false
	p.thawed.Broadcast()
}

// Drop closes every connection open through the proxy.
func (p *Proxy) Drop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// Refuse closes each new connection at once (refuse is true) or forwards
// it again.
func (p *Proxy) Refuse(refuse bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refused = refuse
}

func (p *Proxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refused := p.refused
		p.mu.Unlock()
		if refused {
			client.Close()
			continue
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns[client], p.conns[server] = struct{}{}, struct{}{}
		p.mu.Unlock()
		go p.pump(client, server)
		go p.pump(server, client)
	}
}

// pump forwards from src to dst, holding what it read while frozen.
func (p *Proxy) pump(src, dst net.Conn) {
	defer src.Close()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		for p.frozen {
			p.thawed.Wait()
		}
		p.mu.Unlock()
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
