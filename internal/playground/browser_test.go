package playground_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eilnet/internal/access"
	"eilnet/internal/browsertest"
	"eilnet/internal/dbtest"
	"eilnet/internal/gqltest"
)

// seen is what testdata/graphiql.cjs reports.
type seen struct {
	Requests            []string          `json:"requests"`
	External            []string          `json:"external"`
	Failed              []string          `json:"failed"`
	ConsoleErrors       []string          `json:"consoleErrors"`
	PageErrors          []string          `json:"pageErrors"`
	CSPViolations       []string          `json:"cspViolations"`
	Workers             []string          `json:"workers"`
	PageStatus          int               `json:"pageStatus"`
	PageHeaders         map[string]string `json:"pageHeaders"`
	IntrospectionStatus int               `json:"introspectionStatus"`
	IntrospectionErrors []string          `json:"introspectionErrors"`
	Explorer            bool              `json:"explorer"`
	Query               string            `json:"query"`
	Headers             string            `json:"headers"`
	AnonymousRole       string            `json:"anonymousRole"`
	Role                string            `json:"role"`
	LocalStorage        map[string]string `json:"localStorage"`
	SessionStorage      map[string]string `json:"sessionStorage"`
	ReloadedHeaders     string            `json:"reloadedHeaders"`
	ReloadedQuery       string            `json:"reloadedQuery"`
}

// TestGraphiQLInBrowser serves the API over the demo network and has
// headless Chromium, which can reach no host but 127.0.0.1, use the page
// as a person would: wait for GraphiQL and its schema, open the explorer,
// ask `{ viewer { role } }` without a key (ANONYMOUS) and with an ADMIN key
// put in the headers pane (ADMIN). Nothing may be asked of another host,
// and the key must not be left in the browser's storage.
func TestGraphiQLInBrowser(t *testing.T) {
	t.Parallel()
	chromium := browsertest.Chromium(t)
	browsertest.NodeModules(t)
	srv := gqltest.NewServer(t, dbtest.Seeded(t), gqltest.Options{})
	key := srv.NewKey(t, access.NewKey{Name: "graphiql-browser", Role: access.Admin})
	base, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}

	screenshot := filepath.Join(t.ArtifactDir(), "graphiql.png")
	args, _ := json.Marshal(append(append([]string{}, browsertest.ChromiumFlags...), browsertest.HostResolverRules))
	start := time.Now()
	out := browsertest.Node(t, []string{
		"EILNET_URL=" + base.String() + "/",
		"EILNET_KEY=" + key,
		"EILNET_CHROMIUM=" + chromium,
		"EILNET_CHROMIUM_ARGS=" + string(args),
		"EILNET_USER_DATA_DIR=" + t.TempDir(),
		"EILNET_SCREENSHOT=" + screenshot,
	}, filepath.Join("testdata", "graphiql.cjs"))
	t.Logf("browser session: %s; screenshot: %s (kept with go test -artifacts)", time.Since(start).Round(time.Millisecond), screenshot)
	var got seen
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("graphiql.cjs printed no JSON: %v\n%s", err, out)
	}

	if got.PageStatus != 200 || got.IntrospectionStatus != 200 {
		t.Errorf("page answered %d, introspection %d", got.PageStatus, got.IntrospectionStatus)
	}
	if len(got.IntrospectionErrors) > 0 {
		t.Errorf("GraphiQL's introspection (anonymous) was refused: %v", got.IntrospectionErrors)
	}
	if !got.Explorer {
		t.Error("the explorer plugin did not list the schema's fields")
	}
	if got.Query != "{ viewer { role } }" {
		t.Errorf("the query editor holds %q", got.Query)
	}
	if got.AnonymousRole != "ANONYMOUS" {
		t.Errorf("without a key the page answered role %q, want ANONYMOUS", got.AnonymousRole)
	}
	if got.Role != "ADMIN" {
		t.Errorf("with the ADMIN key in the headers pane the page answered role %q, want ADMIN", got.Role)
	}

	// Nothing but the server itself.
	if len(got.External) > 0 {
		t.Errorf("the page asked other hosts: %v", got.External)
	}
	for _, r := range got.Requests {
		u, err := url.Parse(r)
		if err != nil || u.Host != base.Host {
			t.Errorf("request to %s, not to the server (%s)", r, base.Host)
		}
	}
	if len(got.Workers) < 3 {
		t.Errorf("Monaco started %d workers (%v), want its editor, JSON and GraphQL workers", len(got.Workers), got.Workers)
	}
	for _, w := range got.Workers {
		if !strings.HasPrefix(w, srv.URL+"/playground/") {
			t.Errorf("worker %s is not the server's", w)
		}
	}
	for name, list := range map[string][]string{
		"failed requests":                    got.Failed,
		"console errors":                     got.ConsoleErrors,
		"page errors":                        got.PageErrors,
		"Content-Security-Policy violations": got.CSPViolations,
	} {
		if len(list) > 0 {
			t.Errorf("%s:\n  %s", name, strings.Join(list, "\n  "))
		}
	}
	if csp := got.PageHeaders["content-security-policy"]; !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("the page's CSP is %q", csp)
	}

	// The key was typed, and is kept nowhere.
	if !strings.Contains(got.Headers, key) {
		t.Errorf("the headers pane holds %q, not the key", got.Headers)
	}
	secret := strings.TrimPrefix(key, "eil_")
	for store, m := range map[string]map[string]string{"localStorage": got.LocalStorage, "sessionStorage": got.SessionStorage} {
		for k, v := range m {
			if strings.Contains(v, secret) || strings.Contains(k, secret) {
				t.Errorf("%s[%q] holds the key: %s", store, k, v)
			}
		}
	}
	if len(got.LocalStorage) == 0 || !strings.Contains(got.LocalStorage["graphiql:query"], "viewer") {
		t.Errorf("localStorage keeps no query: %v", got.LocalStorage)
	}
	if strings.Contains(got.ReloadedHeaders, secret) {
		t.Errorf("a new tab's headers pane holds the key: %q", got.ReloadedHeaders)
	}
	if got.ReloadedQuery != "{ viewer { role } }" {
		t.Errorf("a new tab's query is %q, want the last one", got.ReloadedQuery)
	}
	if _, err := os.Stat(screenshot); err != nil {
		t.Errorf("no screenshot: %v", err)
	}
}
