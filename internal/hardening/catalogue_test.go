package hardening

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// caseTimeout bounds every catalogue case: a case that takes longer hangs.
const caseTimeout = 10 * time.Second

const invalidDir = "../../testdata/invalid"

// catCase is one case of a catalogue folder: NAME.<ext> (or NAME.gen, a
// recipe that makes the input at test time) and its NAME.want.
type catCase struct {
	name string
	dir  string
	file string // the input or recipe file
	want []string
}

// input returns the case's bytes, made from its recipe for a .gen file.
func (c catCase) input(t *testing.T) []byte {
	t.Helper()
	if filepath.Ext(c.file) == ".gen" {
		return generate(t, c.file)
	}
	b, err := os.ReadFile(c.file)
	require.NoError(t, err)
	return b
}

// cases lists the cases of a catalogue folder whose inputs end in ext
// ("*" for any extension). Every input has a .want and every .want one
// input or recipe.
func cases(t *testing.T, dir, ext string) []catCase {
	t.Helper()
	wants, err := filepath.Glob(filepath.Join(dir, "*.want"))
	require.NoError(t, err)
	require.NotEmpty(t, wants, "no cases in %s", dir)
	isInput := func(name string) bool {
		e := filepath.Ext(name)
		return e != ".want" && e != ".md" && (ext == "*" || e == ext || e == ".gen")
	}
	var cs []catCase
	for _, w := range wants {
		name := strings.TrimSuffix(filepath.Base(w), ".want")
		c := catCase{name: name, dir: dir, want: wantLines(t, w)}
		matches, err := filepath.Glob(filepath.Join(dir, name+".*"))
		require.NoError(t, err)
		for _, m := range matches {
			if isInput(m) && strings.TrimSuffix(filepath.Base(m), filepath.Ext(m)) == name {
				require.Empty(t, c.file, "%s has more than one input", name)
				c.file = m
			}
		}
		require.NotEmpty(t, c.file, "%s has no input", w)
		cs = append(cs, c)
	}
	all, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	for _, in := range all {
		if isInput(in) {
			_, err := os.Stat(strings.TrimSuffix(in, filepath.Ext(in)) + ".want")
			require.NoError(t, err, "%s has no .want", in)
		}
	}
	return cs
}

// wantLines returns the lines of a .want file, without blank lines and
// comments (lines starting with #).
func wantLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// header returns the value of a "# key value" comment line of a .want file.
func header(t *testing.T, path, key string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "# "+key+" "); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("%s has no %q header", path, key)
	return ""
}

// generate makes an input from a recipe line (see testdata/invalid/README.md):
//
//	grow BASE SIZE          BASE with spaces after its first byte, SIZE bytes in all
//	nest BASE DEPTH         BASE with an unknown field "nested" of DEPTH nested lists
//	list BASE PATH N ITEM   BASE with the list at PATH set to N copies of ITEM (JSON)
//	reply BASE RETURNED [SIZE]  {"referral": BASE, "returned": RETURNED}, the body of
//	                        POST /v1/replies; with SIZE, BASE grown to SIZE bytes
//
// BASE and RETURNED are relative to the recipe's folder.
func generate(t *testing.T, recipe string) []byte {
	t.Helper()
	b, err := os.ReadFile(recipe)
	require.NoError(t, err)
	return generateFrom(t, filepath.Dir(recipe), strings.TrimSpace(string(b)))
}

func generateFrom(t *testing.T, dir, line string) []byte {
	t.Helper()
	f := strings.SplitN(line, " ", 5)
	require.GreaterOrEqual(t, len(f), 3, "recipe %q", line)
	base, err := os.ReadFile(filepath.Join(dir, f[1]))
	require.NoError(t, err, "recipe %q", line)
	require.Equal(t, byte('{'), base[0], "recipe %q: the base must start with {", line)
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "recipe %q", line)
		return n
	}
	grow := func(size int) []byte {
		require.Greater(t, size, len(base), "recipe %q", line)
		out := make([]byte, 0, size)
		out = append(out, '{')
		out = append(out, bytes.Repeat([]byte(" "), size-len(base))...)
		return append(out, base[1:]...)
	}
	switch f[0] {
	case "grow":
		return grow(num(f[2]))
	case "reply":
		ret, err := os.ReadFile(filepath.Join(dir, f[2]))
		require.NoError(t, err, "recipe %q", line)
		ref := base
		if len(f) > 3 {
			ref = grow(num(f[3]))
		}
		return slices.Concat([]byte(`{"referral": `), ref, []byte(`, "returned": `), ret, []byte(`}`))
	case "nest":
		depth := num(f[2])
		var out bytes.Buffer
		out.WriteString(`{"nested": `)
		out.WriteString(strings.Repeat("[", depth))
		out.WriteString(strings.Repeat("]", depth))
		out.WriteString(",")
		out.Write(base[1:])
		return out.Bytes()
	case "list":
		require.Len(t, f, 5, "recipe %q", line)
		var doc map[string]any
		dec := json.NewDecoder(bytes.NewReader(base))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&doc))
		var item any
		require.NoError(t, json.Unmarshal([]byte(f[4]), &item), "recipe %q", line)
		list := make([]any, num(f[3]))
		for i := range list {
			list[i] = item
		}
		keys := strings.Split(f[2], ".")
		m := doc
		for _, k := range keys[:len(keys)-1] {
			next, ok := m[k].(map[string]any)
			require.True(t, ok, "recipe %q: no object at %s", line, k)
			m = next
		}
		m[keys[len(keys)-1]] = list
		out, err := json.Marshal(doc)
		require.NoError(t, err)
		return out
	}
	t.Fatalf("unknown recipe %q", line)
	return nil
}

// within runs f in its own goroutine and returns its result. It fails the
// test if f panics or takes longer than d. f must not call t.FailNow.
func within[T any](t *testing.T, d time.Duration, f func() T) T {
	t.Helper()
	type result struct {
		v     T
		panic any
		stack []byte
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.panic, r.stack = p, debug.Stack()
			}
			done <- r
		}()
		r.v = f()
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.panic != nil {
			t.Fatalf("panic: %v\n%s", r.panic, r.stack)
		}
		return r.v
	case <-timer.C:
		t.Fatalf("did not finish within %s", d)
	}
	panic("unreachable")
}

// patientValues returns what must never appear in an error, a log line or
// a problem document made from doc: every string of 4 characters or more
// at a patient.* path (read as far as doc is readable JSON), and the NHS
// number and date of birth in the forms a letter prints them.
func patientValues(doc []byte) []string {
	var vals []string
	jsonStrings(doc, func(path, s string) {
		if !strings.HasPrefix(path, "patient.") {
			return
		}
		forms := []string{strings.TrimSpace(s)}
		switch path {
		case "patient.nhsNumber":
			n := referral.ParseNHSNumber(forms[0])
			forms = append(forms, string(n), n.String())
		case "patient.dateOfBirth":
			if d, err := referral.ParseDate(forms[0]); err == nil {
				forms = append(forms, d.Long())
			}
		}
		for _, f := range forms {
			if utf8.RuneCountInString(f) >= 4 {
				vals = append(vals, f)
			}
		}
	})
	slices.Sort(vals)
	return slices.Compact(vals)
}

// stringValues returns every string value of 4 characters or more in doc
// (never a key), as far as doc is readable JSON.
func stringValues(doc []byte) []string {
	var vals []string
	jsonStrings(doc, func(_, s string) {
		if s = strings.TrimSpace(s); utf8.RuneCountInString(s) >= 4 {
			vals = append(vals, s)
		}
	})
	slices.Sort(vals)
	return slices.Compact(vals)
}

// jsonStrings calls f with the path ("patient.phones[].number") and value
// of every string value in doc, in order, until doc stops being valid
// JSON; values after the first (trailing data) are read too. A leading
// byte-order mark is skipped.
func jsonStrings(doc []byte, f func(path, s string)) {
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	// An iterative walk: documents may nest very deeply.
	type frame struct {
		path  string
		obj   bool
		key   string
		isKey bool
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	stack := []frame{}
	here := func() string {
		if len(stack) == 0 {
			return ""
		}
		if len(stack) > 8 { // deeper than any field of the forms
			return "(deep)"
		}
		f := stack[len(stack)-1]
		if f.obj {
			if f.path == "" {
				return f.key
			}
			return f.path + "." + f.key
		}
		return f.path + "[]"
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].obj && stack[top].isKey {
			if k, ok := tok.(string); ok {
				stack[top].key, stack[top].isKey = k, false
				continue
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, frame{path: here(), obj: true, isKey: true})
				continue
			case '[':
				stack = append(stack, frame{path: here()})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			f(here(), v)
		}
		if top = len(stack) - 1; top >= 0 && stack[top].obj {
			stack[top].isKey = true
		}
	}
}

// errorfer is the part of testing.T that assertNoPatientData uses.
type errorfer interface {
	Helper()
	Errorf(format string, args ...any)
}

// assertNoPatientData fails if text holds any of vals. The failure says
// how long the value is, never what it is.
func assertNoPatientData(t errorfer, what, text string, vals []string) {
	t.Helper()
	for _, v := range vals {
		if strings.Contains(text, v) {
			t.Errorf("%s holds a patient field value (%d characters)", what, utf8.RuneCountInString(v))
		}
	}
}

// pathRules returns referral errors as "path rule" lines, "-" for no path.
func pathRules(err error) []string {
	var fes referral.FieldErrors
	if !errors.As(err, &fes) {
		return nil
	}
	out := make([]string, len(fes))
	for i, fe := range fes {
		p := fe.Path
		if p == "" {
			p = "-"
		}
		out[i] = p + " " + fe.Rule
	}
	return out
}

// decodeAndValidate runs a document through referral.Decode and, when it
// decodes, Validate.
func decodeAndValidate(doc []byte) (*referral.Referral, error) {
	ref, err := referral.Decode(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	return ref, ref.Validate()
}

// cliResult is what a run of the refer command gave.
type cliResult struct {
	code           int
	stdout, stderr string
}

// refer runs the refer command in dir, bounded in time.
func refer(t *testing.T, dir string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), caseTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin.refer, args...)
	cmd.Dir = dir
	return runCmd(t, ctx, cmd)
}

func runCmd(t *testing.T, ctx context.Context, cmd *exec.Cmd) cliResult {
	t.Helper()
	res, err := runCmdErr(cmd)
	require.NoError(t, ctx.Err(), "the command did not finish within %s", caseTimeout)
	require.NoError(t, err)
	assert.NotContains(t, res.stderr, "panic", "the command panicked")
	return res
}

// runCmdErr runs cmd and returns its exit code and output. It fails if
// cmd could not run or was killed.
func runCmdErr(cmd *exec.Cmd) (cliResult, error) {
	var o, e bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &o
	}
	cmd.Stderr = &e
	err := cmd.Run()
	res := cliResult{stdout: o.String(), stderr: e.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		res.code = ee.ExitCode()
	case err != nil:
		return res, fmt.Errorf("the command did not exit by itself: %w\n%s", err, res.stderr)
	}
	return res, nil
}

// stderrLines splits output into lines, leaving out warnings.
func stderrLines(s string) (errs, warnings []string) {
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if l := sc.Text(); strings.HasPrefix(l, "warning: ") {
			warnings = append(warnings, l)
		} else if l != "" {
			errs = append(errs, l)
		}
	}
	return errs, warnings
}

// assertDirEmpty fails if dir holds any file: no output, no temporary.
func assertDirEmpty(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.Empty(t, names, "files left in the output folder")
}

// abs returns p as an absolute path.
func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	require.NoError(t, err)
	return a
}

// writeTemp writes b to a file named name in a new temporary folder.
func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// inputPath returns the path of a copy of the case's input (generated
// for a recipe) named input<ext>: a command may print a file's name, and
// a case's name may hold a word that is also a value in it.
func (c catCase) inputPath(t *testing.T, ext string) string {
	t.Helper()
	return writeTemp(t, "input"+ext, c.input(t))
}

// TestPatientValues checks the leak check itself: which values it looks
// for, and that it finds them.
func TestPatientValues(t *testing.T) {
	doc := []byte("\xef\xbb\xbf" + `{"patient": {"givenName": "Amara", "title": "Ms", "nhsNumber": "999 000 0018",
		"dateOfBirth": "1981-05-09", "phones": [{"number": "07700 900123"}], "address": {"lines": ["1 Low Road"]}},
		"reason": "Not a patient field", "x": [[{"patient": {"givenName": "Nested"}}]], "patient2": "Outside"} trailing`)
	got := patientValues(doc)
	assert.Equal(t, []string{"07700 900123", "1 Low Road", "1981-05-09", "9 May 1981", "999 000 0018", "9990000018", "Amara"}, got)

	// A truncated document gives what it holds up to where it breaks.
	assert.Equal(t, []string{"Amara"}, patientValues([]byte(`{"patient": {"givenName": "Amara", "familyName": "Ok`)))

	assert.Equal(t, []string{"After", "Knee", "Left knee"}, stringValues([]byte(`{"body-area": "Knee", "side": "L", "x": ["Left knee"]} {"y": "After"}`)))

	var rec errorRecorder
	assertNoPatientData(&rec, "an error", "patient.nhsNumber: fails the check digit", got)
	assert.Empty(t, rec.msgs)
	assertNoPatientData(&rec, "an error", "no patient named Amara, born 9 May 1981", got)
	assert.Equal(t, []string{"an error holds a patient field value (10 characters)", "an error holds a patient field value (5 characters)"}, rec.msgs)
}

type errorRecorder struct{ msgs []string }

func (r *errorRecorder) Helper() {}

func (r *errorRecorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
