package station_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/internal/pipeline"
	"github.com/nianbao/nianbao/internal/review"
	"github.com/nianbao/nianbao/internal/review/station"
	"github.com/nianbao/nianbao/worker/results"
)

// folder parses corpus reports into a new folder, each record beside a copy
// of its source, as batch lays them out.
func folder(t testing.TB, p *pipeline.Pipeline, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		rec, err := p.Bytes(context.Background(), name, data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := results.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+results.RecordSuffix), out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func serve(t *testing.T, cfg station.Config) *httptest.Server {
	t.Helper()
	st, err := station.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(st)
	t.Cleanup(srv.Close)
	return srv
}

// httpServer serves st on a loopback port for the test's life; its URL.
func httpServer(t *testing.T, st http.Handler) string {
	srv := httptest.NewServer(st)
	t.Cleanup(srv.Close)
	return srv.URL
}

// client is one browser: its own cookies, the page's token and version.
type client struct {
	t              *testing.T
	http           *http.Client
	base           string
	token, version string
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, http: &http.Client{Jar: jar}, base: base}
}

var (
	tokenRE   = regexp.MustCompile(`token="([0-9a-f]+)"`)
	versionRE = regexp.MustCompile(`version="([0-9a-f]+)"`)
)

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// open loads a document page and keeps its token and version.
func (c *client) open(rel string) string {
	c.t.Helper()
	code, body := c.get("/doc?f=" + url.QueryEscape(rel))
	if code != http.StatusOK {
		c.t.Fatalf("open %s: %d %s", rel, code, body)
	}
	c.token, c.version = tokenRE.FindStringSubmatch(body)[1], versionRE.FindStringSubmatch(body)[1]
	return body
}

func (c *client) decide(form url.Values, token string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+"/decide", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("X-Token", token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

const rec027 = "027.html.json"

func setup(t *testing.T) (string, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	p := pipeline.New(pipeline.Config{})
	t.Cleanup(func() { p.Close() })
	folder(t, p, dir, "../../../testdata/corpus/027.html", "../../../testdata/corpus/035.html")
	return dir, serve(t, station.Config{Dir: dir, Reviewer: "tester", Pages: p.PageImage, Text: p.Text})
}

func setTotal(c *client, value string) url.Values {
	return url.Values{"f": {rec027}, "version": {c.version}, "t": {"reviews_litigation"}, "r": {"litigation_direct"},
		"c": {"total"}, "value": {value}}
}

// TestList shows both records, errors first, and filters them.
func TestList(t *testing.T) {
	_, srv := setup(t)
	c := newClient(t, srv.URL)
	code, body := c.get("/")
	if code != http.StatusOK || strings.Index(body, "027.html.json") > strings.Index(body, "035.html.json") {
		t.Fatalf("list %d: want 027 (invalid) before 035 (incomplete):\n%s", code, body)
	}
	if _, body := c.get("/?status=incomplete"); strings.Contains(body, "027.html.json") || !strings.Contains(body, "035.html.json") {
		t.Errorf("status filter: %s", body)
	}
	if _, body := c.get("/?rule=reviews_litigation.total"); !strings.Contains(body, "027.html.json") || strings.Contains(body, "035.html.json") {
		t.Errorf("rule filter: %s", body)
	}
}

// TestConflict has two clients load the same record; the first saves, the
// second's save is refused with the conflict message, and nothing is lost.
func TestConflict(t *testing.T) {
	dir, srv := setup(t)
	a, b := newClient(t, srv.URL), newClient(t, srv.URL)
	a.open(rec027)
	b.open(rec027)
	if code, body := a.decide(setTotal(a, "7"), a.token); code != http.StatusOK {
		t.Fatalf("first save: %d %s", code, body)
	}
	code, body := b.decide(setTotal(b, "8"), b.token)
	if code != http.StatusConflict || !strings.Contains(body, "changed by someone else") {
		t.Errorf("second save: %d %s, want 409 with the conflict message", code, body)
	}
	doc, err := review.Load(filepath.Join(dir, rec027))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(doc.Sidecar.Decisions); n != 1 || doc.Sidecar.Decisions[0].After.Num != 7 {
		t.Errorf("sidecar decisions %+v, want the first client's alone", doc.Sidecar.Decisions)
	}
	// Reloaded, the second client saves.
	b.open(rec027)
	if code, body := b.decide(setTotal(b, "8"), b.token); code != http.StatusOK {
		t.Errorf("save after reload: %d %s", code, body)
	}
}

// TestPostNeedsToken refuses decisions without the session's token.
func TestPostNeedsToken(t *testing.T) {
	_, srv := setup(t)
	c := newClient(t, srv.URL)
	c.open(rec027)
	for name, tok := range map[string]string{"none": "", "wrong": strings.Repeat("0", 32)} {
		if code, _ := c.decide(setTotal(c, "5"), tok); code != http.StatusForbidden {
			t.Errorf("%s token: %d, want 403", name, code)
		}
	}
	// Another browser's token does not serve this one's session.
	other := newClient(t, srv.URL)
	if code, _ := other.decide(setTotal(c, "5"), c.token); code != http.StatusForbidden {
		t.Errorf("a token without its session cookie: %d, want 403", code)
	}
	if code, _ := c.get("/decide?" + setTotal(c, "5").Encode()); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /decide: %d, want 405", code)
	}
}

// TestTraversal names files outside the folder, or not records, in every
// route: none is served, none is written.
func TestTraversal(t *testing.T) {
	dir, srv := setup(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.json")
	os.WriteFile(secret, []byte(`{"schema":"nianbao.report/v1"}`), 0o644)
	os.Symlink(secret, filepath.Join(dir, "link.json"))
	os.Symlink(outside, filepath.Join(dir, "linked"))
	abs, _ := filepath.Abs(filepath.Join(dir, rec027))
	bad := []string{
		"../" + filepath.Base(outside) + "/secret.json",
		"..%2F" + filepath.Base(outside) + "%2Fsecret.json",
		"%2e%2e/%2e%2e/etc/passwd",
		"%252e%252e%252fsecret.json",
		"..\\secret.json", "..%5csecret.json",
		"/etc/passwd", abs, url.QueryEscape(abs), "file:///etc/passwd", "C:\\secret.json",
		"./" + rec027, "x/../" + rec027, rec027 + "/", "027.html", "027.html.review.json",
		"link.json", "linked/secret.json", ".hidden.json", "%00" + rec027,
	}
	c := newClient(t, srv.URL)
	c.open(rec027)
	for _, f := range bad {
		q := "f=" + f
		for _, route := range []string{"/doc?", "/crop?t=applications&r=new_received&c=total&", "/context?t=applications&r=new_received&c=total&"} {
			if code, body := c.get(route + q); code != http.StatusNotFound {
				t.Errorf("GET %s%s: %d %.80s, want 404", route, q, code, body)
			}
		}
		form := setTotal(c, "9")
		raw, _ := url.QueryUnescape(f)
		form.Set("f", raw)
		if code, body := c.decide(form, c.token); code != http.StatusNotFound {
			t.Errorf("POST /decide f=%q: %d %.80s, want 404", raw, code, body)
		}
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 {
		t.Errorf("files outside the folder: %v", entries)
	}
	if _, err := os.Stat(review.SidecarPath(filepath.Join(dir, rec027))); err == nil {
		t.Error("a refused request wrote a sidecar")
	}
}

// TestAccessToken: with a token set, a request without it is refused; the
// token once in the address sets a cookie that serves the rest.
func TestAccessToken(t *testing.T) {
	dir := t.TempDir()
	srv := serve(t, station.Config{Dir: dir, AccessToken: "s3cret"})
	c := newClient(t, srv.URL)
	if code, _ := c.get("/"); code != http.StatusUnauthorized {
		t.Errorf("without the token: %d, want 401", code)
	}
	if code, _ := c.get("/?token=wrong"); code != http.StatusUnauthorized {
		t.Errorf("a wrong token: %d, want 401", code)
	}
	if code, _ := c.get("/?token=s3cret"); code != http.StatusOK {
		t.Errorf("with the token: %d, want 200", code)
	}
	if code, _ := c.get("/"); code != http.StatusOK {
		t.Errorf("with its cookie: %d, want 200", code)
	}
}

// TestContext shows a digital document's lines around a value's row.
func TestContext(t *testing.T) {
	_, srv := setup(t)
	c := newClient(t, srv.URL)
	code, body := c.get("/context?f=" + rec027 + "&t=applications&r=carried_over&c=total")
	if code != http.StatusOK || !strings.Contains(body, "» ") || !strings.Contains(body, "上年结转") {
		t.Errorf("context: %d %q", code, body)
	}
	if code, _ := c.get("/context?f=" + rec027 + "&t=applications&r=nope&c=total"); code != http.StatusNotFound {
		t.Errorf("context of a row the template lacks: %d, want 404", code)
	}
	if _, body := c.get("/doc?f=" + rec027); !strings.Contains(body, `data-context="/context?`) {
		t.Error("the document page links no context for a flagged cell of a digital report")
	}
}
