// Package station is the review station: a local web application over a
// folder of records (what batch and the workers write) where a person
// settles flagged values from the keyboard. It uses net/http and
// html/template only, with a little inline script: nothing to build.
//
// Safety: every path a request names is checked to lie under the folder
// (no "..", no absolute path, no symbolic link out) before the file system
// is touched; state changes are POSTs carrying the session's token; the
// command refuses a non-loopback address without an access token.
package station

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nianbao/nianbao/internal/record"
	"github.com/nianbao/nianbao/internal/review"
	"github.com/nianbao/nianbao/worker/results"
)

// PageImager gives a page of a scanned source file (pipeline.PageImage).
type PageImager func(ctx context.Context, name string, data []byte, page int) (*image.Gray, error)

// Texter gives a digital source file's text (pipeline.Text).
type Texter func(ctx context.Context, name string, data []byte) (string, error)

// Config configures a Station.
type Config struct {
	// Dir is the folder of records; nothing outside it is read or written.
	Dir string
	// AccessToken, when set, must be presented by every request (?token=
	// once, then a cookie). Needed to listen beyond loopback.
	AccessToken string
	// Reviewer names who decides, in the sidecars. Default "reviewer".
	Reviewer string
	// Pages cuts OCR crops; nil shows none.
	Pages PageImager
	// Text gives a digital document's text, to show the lines around a
	// value; nil shows none.
	Text Texter
	// CropMargin is the margin around a value's box in a crop, in pixels.
	// Default 40.
	CropMargin int
}

// Station serves the review station.
type Station struct {
	cfg   Config
	root  string // Dir, absolute, symbolic links resolved
	store review.Store
	mux   *http.ServeMux

	mu       sync.Mutex
	sessions map[string]string // session cookie -> its POST token
	index    map[string]*entry // by relative path of the record
}

// entry is one record's line in the list, cached until its files change.
type entry struct {
	File     string
	Agency   string
	Year     string
	Format   string
	Status   string
	Errors   int
	Warnings int
	Rules    []string
	Reviewed int
	stamp    string
}

// New returns a Station over cfg.Dir.
func New(cfg Config) (*Station, error) {
	if cfg.Reviewer == "" {
		cfg.Reviewer = "reviewer"
	}
	if cfg.CropMargin <= 0 {
		cfg.CropMargin = 40
	}
	abs, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("station: %w", err)
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("station: %w", err)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("station: %s is not a folder", cfg.Dir)
	}
	s := &Station{cfg: cfg, root: root, mux: http.NewServeMux(), sessions: map[string]string{}, index: map[string]*entry{}}
	s.mux.HandleFunc("GET /{$}", s.list)
	s.mux.HandleFunc("GET /doc", s.doc)
	s.mux.HandleFunc("GET /crop", s.crop)
	s.mux.HandleFunc("GET /context", s.context)
	s.mux.HandleFunc("POST /decide", s.decide)
	return s, nil
}

// ServeHTTP checks the access token, sets safe headers and serves.
func (s *Station) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.AccessToken != "" && !s.accessOK(w, r) {
		http.Error(w, "an access token is needed: open the address the command printed", http.StatusUnauthorized)
		return
	}
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'")
	s.mux.ServeHTTP(w, r)
}

const accessCookie = "nianbao_access"

func (s *Station) accessOK(w http.ResponseWriter, r *http.Request) bool {
	if c, err := r.Cookie(accessCookie); err == nil && equal(c.Value, s.cfg.AccessToken) {
		return true
	}
	if t := r.URL.Query().Get("token"); t != "" && equal(t, s.cfg.AccessToken) {
		http.SetCookie(w, &http.Cookie{Name: accessCookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

const sessionCookie = "nianbao_session"

// session returns the request's POST token, starting a session if needed.
func (s *Station) session(w http.ResponseWriter, r *http.Request) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, err := r.Cookie(sessionCookie); err == nil {
		if tok, ok := s.sessions[c.Value]; ok {
			return tok
		}
	}
	id, tok := randomHex(), randomHex()
	s.sessions[id] = tok
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return tok
}

// postOK checks a POST's token against its session's.
func (s *Station) postOK(r *http.Request) bool {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	s.mu.Lock()
	tok, ok := s.sessions[c.Value]
	s.mu.Unlock()
	return ok && equal(r.Header.Get("X-Token"), tok)
}

func randomHex() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ErrPath is returned for a path a request may not name.
var ErrPath = errors.New("no such record in this folder")

// recordPath turns a request's relative record path into a file path under
// the root, or ErrPath: no absolute path, no "..", no backslash, no NUL, no
// hidden file, a record's name, and no symbolic link leading out.
func (s *Station) recordPath(rel string) (string, error) {
	if rel == "" || strings.ContainsAny(rel, "\\\x00:") || strings.HasPrefix(rel, "/") || filepath.IsAbs(rel) {
		return "", ErrPath
	}
	for _, part := range strings.Split(rel, "/") {
		if part == "" || part == "." || part == ".." || strings.HasPrefix(part, ".") {
			return "", ErrPath
		}
	}
	if path.Clean(rel) != rel {
		return "", ErrPath
	}
	name := path.Base(rel)
	if isRec, _ := results.IsResult(name); !isRec || review.IsSidecar(name) || strings.HasSuffix(name, results.ErrorSuffix) {
		return "", ErrPath
	}
	full := filepath.Join(s.root, filepath.FromSlash(rel))
	real, err := filepath.EvalSymlinks(full)
	if err != nil || !strings.HasPrefix(real, s.root+string(filepath.Separator)) {
		return "", ErrPath
	}
	return real, nil
}

// sourcePath returns the source file beside a record (a.pdf for a.pdf.json),
// checked like recordPath, or ErrPath.
func (s *Station) sourcePath(recordFile string) (string, error) {
	full := strings.TrimSuffix(recordFile, results.RecordSuffix)
	real, err := filepath.EvalSymlinks(full)
	if err != nil || !strings.HasPrefix(real, s.root+string(filepath.Separator)) {
		return "", ErrPath
	}
	return real, nil
}

// load reads a record and its decisions.
func (s *Station) load(w http.ResponseWriter, r *http.Request) (string, string, *review.Doc, bool) {
	rel := r.URL.Query().Get("f")
	if r.Method == http.MethodPost {
		rel = r.PostFormValue("f")
	}
	p, err := s.recordPath(rel)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return "", "", nil, false
	}
	doc, err := review.Load(p)
	if err != nil {
		http.Error(w, "the record cannot be read: "+err.Error(), http.StatusUnprocessableEntity)
		return "", "", nil, false
	}
	return rel, p, doc, true
}

// Refresh reads the records the list shows that changed since the last
// look; the command runs it at start, so the first list is quick too.
func (s *Station) Refresh() error {
	_, err := s.entries()
	return err
}

// entries refreshes the index from the folder and returns it, errors first.
func (s *Station) entries() ([]*entry, error) {
	type job struct {
		rel, path, stamp string
		reviewed         bool
	}
	// One walk stamps every record and sidecar (time and size): a record
	// whose stamps did not change is not read again.
	stamps := map[string]string{} // by record path
	sidecars := map[string]string{}
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != s.root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		isRec, _ := results.IsResult(name)
		if !isRec || strings.HasSuffix(name, results.ErrorSuffix) || d.Type()&fs.ModeSymlink != 0 {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // gone since listed
		}
		stamp := strconv.FormatInt(info.ModTime().UnixNano(), 36) + "." + strconv.FormatInt(info.Size(), 36)
		if review.IsSidecar(name) {
			sidecars[p] = stamp
		} else {
			stamps[p] = stamp
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("station: %w", err)
	}
	var jobs []job
	seen := map[string]bool{}
	s.mu.Lock()
	for p, stamp := range stamps {
		rel, _ := filepath.Rel(s.root, p)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		side, reviewed := sidecars[review.SidecarPath(p)]
		stamp += "+" + side
		if e := s.index[rel]; e == nil || e.stamp != stamp {
			jobs = append(jobs, job{rel, p, stamp, reviewed})
		}
	}
	for rel := range s.index {
		if !seen[rel] {
			delete(s.index, rel)
		}
	}
	s.mu.Unlock()
	// Reading the records is the slow part of a first look at a large
	// folder: one worker a CPU.
	fresh := make([]*entry, len(jobs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fresh[i] = summarize(jobs[i].rel, jobs[i].path, jobs[i].reviewed)
				if fresh[i] != nil {
					fresh[i].stamp = jobs[i].stamp
				}
			}
		}()
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range fresh {
		if e != nil {
			s.index[jobs[i].rel] = e
		}
	}
	out := make([]*entry, 0, len(s.index))
	for _, e := range s.index {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b *entry) int {
		if c := statusRank(a.Status) - statusRank(b.Status); c != 0 {
			return c
		}
		return strings.Compare(a.File, b.File)
	})
	return out, nil
}

func statusRank(s string) int {
	switch s {
	case record.Invalid:
		return 0
	case record.Incomplete:
		return 1
	}
	return 2
}

// listed is the part of a record the list shows. Decoding only it skips the
// tables, most of a record's bytes and of its decoding time.
type listed struct {
	Schema string `json:"schema"`
	Agency string `json:"agency"`
	Year   *int   `json:"year"`
	Source struct {
		Format string `json:"format"`
		Method string `json:"method"`
	} `json:"source"`
	Status   string `json:"status"`
	Findings []struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
	} `json:"findings"`
}

// summarize reads one record's list line; nil for a file that is no record.
// A record with decisions is read whole and checked again with them.
func summarize(rel, p string, reviewed bool) *entry {
	var l listed
	decided := 0
	if reviewed {
		doc, err := review.Load(p)
		if err != nil {
			return nil
		}
		data, err := json.Marshal(doc.Reviewed)
		if err != nil || json.Unmarshal(data, &l) != nil {
			return nil
		}
		decided = len(doc.Reviewed.Reviewed)
	} else {
		data, err := os.ReadFile(p)
		if err != nil || json.Unmarshal(data, &l) != nil {
			return nil
		}
	}
	if l.Schema != record.Schema {
		return nil
	}
	e := &entry{File: rel, Agency: l.Agency, Format: l.Source.Format + " / " + l.Source.Method,
		Status: l.Status, Reviewed: decided}
	if l.Year != nil {
		e.Year = strconv.Itoa(*l.Year)
	}
	for _, f := range l.Findings {
		if f.Severity == record.Error {
			e.Errors++
		} else {
			e.Warnings++
		}
		if !slices.Contains(e.Rules, f.Rule) {
			e.Rules = append(e.Rules, f.Rule)
		}
	}
	return e
}

// decision is the answer to a POST /decide.
type decision struct {
	OK       bool   `json:"ok"`
	Message  string `json:"message,omitempty"`
	Version  string `json:"version,omitempty"`
	Status   string `json:"status,omitempty"`
	Findings int    `json:"findings,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, d decision) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(d)
}

// decide saves one decision: form f, version, t, r, c and value (a number)
// or confirm=1 (keep the value read).
func (s *Station) decide(w http.ResponseWriter, r *http.Request) {
	if !s.postOK(r) {
		writeJSON(w, http.StatusForbidden, decision{Message: "this page's session token is missing or stale; reload the page"})
		return
	}
	rel, p, doc, ok := s.load(w, r)
	if !ok {
		return
	}
	t, row, c := r.PostFormValue("t"), r.PostFormValue("r"), r.PostFormValue("c")
	if err := review.Cell(doc.Read, t, row, c); err != nil {
		writeJSON(w, http.StatusBadRequest, decision{Message: err.Error()})
		return
	}
	var after record.Value
	if r.PostFormValue("confirm") == "1" {
		tbl := doc.Reviewed.TableOf(t)
		if rr, ok := tbl.Get(row); ok {
			after, _ = rr.Get(c)
		}
		if !after.Valid {
			writeJSON(w, http.StatusBadRequest, decision{Message: "there is no value to confirm: type it"})
			return
		}
	} else {
		f, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue("value")), 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, decision{Message: fmt.Sprintf("%q is not a number", r.PostFormValue("value"))})
			return
		}
		after = record.Num(f)
	}
	nd, err := s.store.Decide(p, r.PostFormValue("version"), record.Review{Table: t, Row: row, Column: c, After: after,
		By: s.cfg.Reviewer, At: time.Now().UTC()})
	switch {
	case errors.Is(err, review.ErrConflict):
		writeJSON(w, http.StatusConflict, decision{Message: rel + ": " + err.Error()})
		return
	case err != nil:
		writeJSON(w, http.StatusInternalServerError, decision{Message: err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, decision{OK: true, Version: nd.Version, Status: nd.Reviewed.Status, Findings: len(nd.Reviewed.Findings)})
}

// source reads the source file beside a record.
func (s *Station) source(w http.ResponseWriter, recordFile string) (string, []byte, bool) {
	sp, err := s.sourcePath(recordFile)
	if err != nil {
		http.Error(w, "the source file is not in this folder beside its record", http.StatusNotFound)
		return "", nil, false
	}
	data, err := os.ReadFile(sp)
	if err != nil {
		http.Error(w, "the source file cannot be read", http.StatusNotFound)
		return "", nil, false
	}
	return filepath.Base(sp), data, true
}

// context serves, as plain text, the lines of a digital document around the
// row of a value: found by the row's label phrases of the template.
func (s *Station) context(w http.ResponseWriter, r *http.Request) {
	_, p, doc, ok := s.load(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	if err := review.Cell(doc.Read, q.Get("t"), q.Get("r"), q.Get("c")); err != nil || s.cfg.Text == nil {
		http.Error(w, "no text for this value", http.StatusNotFound)
		return
	}
	name, data, ok := s.source(w, p)
	if !ok {
		return
	}
	text, err := s.cfg.Text(r.Context(), name, data)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, around(text, doc.Read.Template, q.Get("t"), q.Get("r")))
}

// crop serves the part of the page image where OCR read a value, as PNG.
func (s *Station) crop(w http.ResponseWriter, r *http.Request) {
	_, p, doc, ok := s.load(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var src *record.CellSource
	for i, c := range doc.Read.Provenance {
		if c.Table == q.Get("t") && c.Row == q.Get("r") && c.Column == q.Get("c") {
			src = &doc.Read.Provenance[i]
		}
	}
	if src == nil || s.cfg.Pages == nil {
		http.Error(w, "no page image for this value", http.StatusNotFound)
		return
	}
	name, data, ok := s.source(w, p)
	if !ok {
		return
	}
	page, err := s.cfg.Pages(r.Context(), name, data, src.Page)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	m := s.cfg.CropMargin
	box := image.Rect(int(src.Box[0])-3*m, int(src.Box[1])-m, int(src.Box[2])+3*m, int(src.Box[3])+m).Intersect(page.Bounds())
	if box.Empty() {
		http.Error(w, "the value's box is outside its page", http.StatusUnprocessableEntity)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=300")
	png.Encode(w, outlined(page, box, image.Rect(int(src.Box[0]), int(src.Box[1]), int(src.Box[2]), int(src.Box[3]))))
}

// outlined returns the crop of page with the value's box drawn in red.
func outlined(page *image.Gray, crop, box image.Rectangle) image.Image {
	out := image.NewRGBA(crop)
	draw.Draw(out, crop, page, crop.Min, draw.Src)
	red := color.RGBA{R: 220, A: 255}
	for x := box.Min.X; x < box.Max.X; x++ {
		for _, y := range []int{box.Min.Y, box.Min.Y + 1, box.Max.Y - 2, box.Max.Y - 1} {
			out.Set(x, y, red)
		}
	}
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for _, x := range []int{box.Min.X, box.Min.X + 1, box.Max.X - 2, box.Max.X - 1} {
			out.Set(x, y, red)
		}
	}
	return out
}
