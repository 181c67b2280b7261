package station

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/nianbao/nianbao/internal/record"
	nbtemplate "github.com/nianbao/nianbao/internal/template"
)

// listView is the list page's data.
type listView struct {
	Entries                 []*entry // the page shown
	Matched, Total          int
	Status, Rule, Agency, Q string
	Year                    string
	Statuses, Rules, Years  []string
	// Prev and Next are the query strings of the pages around, "" for none.
	Prev, Next string
	First      int // 1-based position of the first entry shown
}

// pageSize is how many records a list page shows: a browser lays out a few
// hundred rows at once quickly, ten thousand slowly; filters narrow the rest.
const pageSize = 500

func (s *Station) list(w http.ResponseWriter, r *http.Request) {
	all, err := s.entries()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	q := r.URL.Query()
	v := listView{Total: len(all), Status: q.Get("status"), Rule: q.Get("rule"), Agency: q.Get("agency"),
		Year: q.Get("year"), Q: q.Get("q"), Statuses: []string{record.Invalid, record.Incomplete, record.Valid}}
	rules, years := map[string]bool{}, map[string]bool{}
	for _, e := range all {
		for _, rule := range e.Rules {
			rules[rule] = true
		}
		if e.Year != "" {
			years[e.Year] = true
		}
		switch {
		case v.Status != "" && e.Status != v.Status,
			v.Rule != "" && !slices.Contains(e.Rules, v.Rule),
			v.Agency != "" && !strings.Contains(e.Agency, v.Agency),
			v.Year != "" && e.Year != v.Year,
			v.Q != "" && !strings.Contains(e.File+" "+e.Agency, v.Q):
			continue
		}
		v.Entries = append(v.Entries, e)
	}
	for k := range rules {
		v.Rules = append(v.Rules, k)
	}
	for k := range years {
		v.Years = append(v.Years, k)
	}
	slices.Sort(v.Rules)
	slices.Sort(v.Years)
	v.Matched = len(v.Entries)
	from, _ := strconv.Atoi(q.Get("from"))
	from = max(0, min(from, len(v.Entries)))
	v.First = from + 1
	if from > 0 {
		q.Set("from", strconv.Itoa(max(0, from-pageSize)))
		v.Prev = q.Encode()
	}
	if from+pageSize < len(v.Entries) {
		q.Set("from", strconv.Itoa(from+pageSize))
		v.Next = q.Encode()
	}
	v.Entries = v.Entries[from:min(len(v.Entries), from+pageSize)]
	s.session(w, r)
	render(w, listPage, v)
}

// docView is the document page's data.
type docView struct {
	File, Token, Version string
	Rec                  *record.Record
	Other                []record.Finding // findings that name no cell
	Tables               []tableView
	Flagged              int
}

type tableView struct {
	Heading string
	Columns []string
	Rows    []rowView
}

type rowView struct {
	Label string
	Cells []cellView
}

type cellView struct {
	Table, Row, Column, Label string
	Value                     string
	Flagged, Error, Reviewed  bool
	Caption                   bool // print the column label: the table's rows differ in columns
	Messages                  []string
	Crop                      string // URL of the crop, "" for none
	Context                   string // URL of the text around, "" for none
}

func (s *Station) doc(w http.ResponseWriter, r *http.Request) {
	rel, _, doc, ok := s.load(w, r)
	if !ok {
		return
	}
	rec := doc.Reviewed
	v := docView{File: rel, Token: s.session(w, r), Version: doc.Version, Rec: rec}
	onCell := map[string][]record.Finding{}
	for _, f := range rec.Findings {
		if f.Table != "" && f.Row != "" && f.Column != "" {
			k := f.Table + "." + f.Row + "." + f.Column
			onCell[k] = append(onCell[k], f)
		} else {
			v.Other = append(v.Other, f)
		}
	}
	reviewed := map[string]bool{}
	for _, d := range rec.Reviewed {
		reviewed[d.Key()] = true
	}
	read := map[string]bool{}
	for _, c := range doc.Read.Provenance {
		read[c.Table+"."+c.Row+"."+c.Column] = true
	}
	ocr := strings.HasSuffix(rec.Source.Method, "-ocr")
	tp := nbtemplate.Lookup(rec.Template)
	if tp == nil {
		tp = nbtemplate.Lookup(nbtemplate.V2021)
	}
	for ti := range tp.Tables {
		t := &tp.Tables[ti]
		tbl := rec.TableOf(t.Key)
		tv := tableView{Heading: sectionHeading(t.Section)}
		for _, c := range t.Columns {
			tv.Columns = append(tv.Columns, c.Label)
		}
		for ri := range t.Rows {
			row := &t.Rows[ri]
			values, printed := tbl.Get(row.Key)
			if !printed && len(row.Replaces) > 0 {
				continue
			}
			rv := rowView{Label: strings.Join(append(slices.Clone(row.Groups), row.Label), " ")}
			for _, col := range t.ColumnsOf(row) {
				k := t.Key + "." + row.Key + "." + col.Key
				if !printed && len(onCell[k]) == 0 {
					continue
				}
				cv := cellView{Table: t.Key, Row: row.Key, Column: col.Key, Label: col.Label,
					Reviewed: reviewed[k], Caption: t.Columns == nil}
				if val, ok := values.Get(col.Key); ok && val.Valid {
					cv.Value = val.String()
				}
				for _, f := range onCell[k] {
					cv.Flagged = true
					cv.Error = cv.Error || f.Severity == record.Error
					cv.Messages = append(cv.Messages, f.Rule+": "+f.Message)
				}
				if cv.Flagged {
					v.Flagged++
				}
				where := url.Values{"f": {rel}, "t": {t.Key}, "r": {row.Key}, "c": {col.Key}}.Encode()
				if read[k] {
					cv.Crop = "/crop?" + where
				} else if !ocr {
					cv.Context = "/context?" + where
				}
				rv.Cells = append(rv.Cells, cv)
			}
			if len(rv.Cells) > 0 {
				tv.Rows = append(tv.Rows, rv)
			}
		}
		v.Tables = append(v.Tables, tv)
	}
	render(w, docPage, v)
}

func sectionHeading(key string) string {
	for _, s := range nbtemplate.Sections() {
		if s.Key == key {
			return s.Heading
		}
	}
	return key
}

func render(w http.ResponseWriter, t *template.Template, v any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := t.Execute(w, v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

const style = `<style>
body{font:14px/1.4 sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:2px 6px}
.invalid{color:#b00}.incomplete{color:#a60}.valid{color:#070}.flag{background:#fee}.warn{background:#ffd}
.rev{background:#dfd}input{width:6em}#side{position:fixed;right:1em;top:1em;width:40%;background:#fff;border:1px solid #999;padding:.5em}
#side img{max-width:100%}#side pre{white-space:pre-wrap;font-size:12px}.lbl{max-width:28em}#msg{font-weight:bold}
</style>`

var listPage = template.Must(template.New("list").Funcs(template.FuncMap{"last": func(first, n int) int { return first + n - 1 }}).Parse(`<!doctype html><html lang="zh"><meta charset="utf-8"><title>nianbao review</title>` + style + `
<h1>Records: {{.Matched}} of {{.Total}}</h1>
<p>{{if .Entries}}showing {{.First}}–{{len .Entries | last .First}}{{end}} {{if .Prev}}<a href="/?{{.Prev}}">← previous</a>{{end}} {{if .Next}}<a href="/?{{.Next}}">next →</a>{{end}}</p>
<form method="get" action="/">
status <select name="status"><option value="">all</option>{{range .Statuses}}<option{{if eq . $.Status}} selected{{end}}>{{.}}</option>{{end}}</select>
rule <select name="rule"><option value="">all</option>{{range .Rules}}<option{{if eq . $.Rule}} selected{{end}}>{{.}}</option>{{end}}</select>
year <select name="year"><option value="">all</option>{{range .Years}}<option{{if eq . $.Year}} selected{{end}}>{{.}}</option>{{end}}</select>
agency <input name="agency" value="{{.Agency}}"> search <input name="q" value="{{.Q}}"> <button>filter</button></form>
<table id="list"><tr><th>file</th><th>agency</th><th>year</th><th>format</th><th>status</th><th>errors</th><th>warnings</th><th>reviewed</th></tr>
{{range .Entries}}<tr><td><a href="/doc?f={{.File}}">{{.File}}</a></td><td>{{.Agency}}</td><td>{{.Year}}</td><td>{{.Format}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Errors}}</td><td>{{.Warnings}}</td><td>{{.Reviewed}}</td></tr>
{{end}}</table></html>`))

var docPage = template.Must(template.New("doc").Parse(`<!doctype html><html lang="zh"><meta charset="utf-8"><title>{{.Rec.Title}}</title>` + style + `
<p><a href="/">← list</a></p>
<h1>{{.Rec.Title}}</h1>
<p>{{.File}} · {{.Rec.Source.Format}} / {{.Rec.Source.Method}} · status <b id="status" class="{{.Rec.Status}}">{{.Rec.Status}}</b> ·
<span id="nflag">{{.Flagged}}</span> flagged cells · Tab/Enter: next flagged cell; type a value and Enter to set it, Enter alone to confirm the reading.</p>
<p id="msg" role="status"></p>
{{range .Other}}<p class="{{.Severity}}">{{.Rule}}: {{.Message}}</p>{{end}}
<div id="side"><div id="where">Focus a flagged cell to see where it was read.</div><img id="crop" alt=""><pre id="around"></pre></div>
{{range .Tables}}<h2>{{.Heading}}</h2><table>
{{if .Columns}}<tr><th></th>{{range .Columns}}<th>{{.}}</th>{{end}}</tr>{{end}}
{{range .Rows}}<tr><td class="lbl">{{.Label}}</td>{{range .Cells}}<td class="{{if .Reviewed}}rev{{else if .Error}}flag{{else if .Flagged}}warn{{end}}" title="{{.Label}}{{range .Messages}}&#10;{{.}}{{end}}">{{if .Caption}}<small>{{.Label}}</small> {{end}}{{if .Flagged}}<input class="cell" data-t="{{.Table}}" data-r="{{.Row}}" data-c="{{.Column}}" data-read="{{.Value}}" data-crop="{{.Crop}}" data-context="{{.Context}}" data-msg="{{range .Messages}}{{.}} {{end}}" value="{{.Value}}">{{else}}{{if .Reviewed}}<b>{{.Value}}</b>{{else}}{{.Value}}{{end}}{{end}}</td>{{end}}</tr>
{{end}}</table>{{end}}
<script>
(function(){
var file={{.File}},token={{.Token}},version={{.Version}};
var cells=[].slice.call(document.querySelectorAll('input.cell'));
var msg=document.getElementById('msg');
function show(i){var c=cells[i];document.getElementById('where').textContent=c.dataset.msg;
 var img=document.getElementById('crop');if(c.dataset.crop){img.src=c.dataset.crop;img.style.display=''}else{img.removeAttribute('src');img.style.display='none'}
 var pre=document.getElementById('around');pre.textContent='';
 if(c.dataset.context){fetch(c.dataset.context,{credentials:'same-origin'}).then(function(r){return r.text()}).then(function(t){pre.textContent=t})}}
function next(i){if(i+1<cells.length){cells[i+1].focus();cells[i+1].select()}}
cells.forEach(function(c,i){
 c.addEventListener('focus',function(){show(i)});
 c.addEventListener('keydown',function(e){
  if(e.key!=='Enter')return;e.preventDefault();
  var body=new URLSearchParams({f:file,version:version,t:c.dataset.t,r:c.dataset.r,c:c.dataset.c});
  if(c.value.trim()===c.dataset.read&&c.dataset.read!==''){body.set('confirm','1')}else{body.set('value',c.value.trim())}
  fetch('/decide',{method:'POST',headers:{'X-Token':token},body:body,credentials:'same-origin'}).then(function(r){return r.json()}).then(function(d){
   if(!d.ok){msg.textContent=d.message;msg.className='invalid';return}
   version=d.version;c.dataset.read=c.value.trim();c.parentNode.className='rev';c.dataset.done='1';
   var st=document.getElementById('status');st.textContent=d.status;st.className=d.status;
   msg.textContent='saved '+c.dataset.t+'.'+c.dataset.r+'.'+c.dataset.c+' = '+c.value.trim();msg.className='valid';next(i)});
 });
});
if(cells.length){cells[0].focus();cells[0].select()}
})();
</script></html>`))
