package hardening

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral/gpconnect"
)

// gpPatient is a Patient whose values no error or report may hold.
const gpPatient = `{"resourceType": "Patient", "id": "p1",
  "identifier": [{"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000026"}],
  "name": [{"use": "official", "family": "Quillfeather", "given": ["Ysolde"]}],
  "telecom": [{"system": "phone", "value": "07700 900555", "use": "mobile"}],
  "birthDate": "1961-05-17", "address": [{"use": "home", "line": ["7 Quill Lane"], "postalCode": "LS6 1AA"}]}`

// gpValues are the values of gpPatient, and the strings hostile bundles
// put where a careless message would repeat them.
var gpValues = []string{"Quillfeather", "Ysolde", "9990000026", "900555", "Quill Lane", "1961-05-17", "Zanzibarite"}

// gpBundle wraps entries (resources as JSON) in a structured record bundle
// after gpPatient.
func gpBundle(entries ...string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resourceType": "Bundle", "type": "collection", "meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"]}, "entry": [{"resource": `)
	b.WriteString(gpPatient)
	b.WriteString(`}`)
	for _, e := range entries {
		b.WriteString(`, {"resource": `)
		b.WriteString(e)
		b.WriteString(`}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// gpRepeat builds a bundle of about size bytes: gpPatient, then resource(i)
// for i = 0, 1, ... while there is room.
func gpRepeat(size int, resource func(i int) string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"resourceType": "Bundle", "meta": {"profile": ["https://fhir.nhs.uk/STU3/StructureDefinition/GPConnect-StructuredRecord-Bundle-1"]}, "entry": [{"resource": `)
	b.WriteString(gpPatient)
	b.WriteString(`}`)
	for i := 0; ; i++ {
		r := resource(i)
		if b.Len()+len(r)+20 > size {
			break
		}
		b.WriteString(`, {"resource": `)
		b.WriteString(r)
		b.WriteString(`}`)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// gpHostile are bundles made to break a reader: deep nesting, huge arrays,
// many resources that refer to each other, values of the wrong kind.
func gpHostile() map[string][]byte {
	deep := strings.Repeat(`{"extension": [`, 20000) + strings.Repeat(`]}`, 20000)
	listOf := func(n int, ref string) string {
		var b strings.Builder
		b.WriteString(`{"resourceType": "List", "code": {"coding": [{"code": "886921000000105"}]}, "subject": {"reference": "Patient/p1"}, "entry": [`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"item": {"reference": "%s%d"}}`, ref, i)
		}
		b.WriteString(`]}`)
		return b.String()
	}
	return map[string][]byte{
		"deep nesting in a resource":          gpBundle(`{"resourceType": "Observation", "id": "o1", "code": ` + deep + `}`),
		"deep nesting in the bundle":          []byte(`{"resourceType": "Bundle", "x": ` + deep + `}`),
		"a list of a million missing entries": gpBundle(listOf(1_000_000, "AllergyIntolerance/Zanzibarite")),
		"a million nulls":                     []byte(`{"resourceType": "Bundle", "entry": [` + strings.Repeat(`null,`, 1_000_000) + `null]}`),
		"practitioners and roles": gpRepeat(4<<20, func(i int) string {
			if i%2 == 0 {
				return fmt.Sprintf(`{"resourceType": "Practitioner", "id": "x%d", "name": [{"family": "Zanzibarite"}]}`, i)
			}
			return fmt.Sprintf(`{"resourceType": "PractitionerRole", "id": "r%d", "practitioner": {"reference": "Practitioner/x%d"}}`, i, i-1)
		}),
		"a report of every observation": gpRepeat(4<<20, func(i int) string {
			if i == 0 {
				var b strings.Builder
				b.WriteString(`{"resourceType": "DiagnosticReport", "id": "r", "result": [`)
				for j := range 100_000 {
					if j > 0 {
						b.WriteByte(',')
					}
					fmt.Fprintf(&b, `{"reference": "Observation/o%d"}`, j%1000)
				}
				b.WriteString(`]}`)
				return b.String()
			}
			return fmt.Sprintf(`{"resourceType": "Observation", "id": "o%d", "code": {"text": "Zanzibarite"}, "valueString": "Zanzibarite",
  "related": [{"type": "has-member", "target": {"reference": "Observation/o%d"}}, {"type": "derived-from", "target": {"reference": "Observation/o%d"}}]}`, i, i+1, i-1)
		}),
		"contained resources in a cycle": gpBundle(`{"resourceType": "MedicationStatement", "id": "s", "status": "active",
  "contained": [{"resourceType": "Medication", "id": "m", "contained": [{"resourceType": "Medication", "id": "m"}]}],
  "medicationReference": {"reference": "#m"}}`),
		"a value of the wrong type": gpBundle(`{"resourceType": "AllergyIntolerance", "id": "a", "code": {"text": ["Zanzibarite"]}}`),
		"an unknown resource type":  gpBundle(`{"resourceType": "Zanzibarite", "id": "a"}`),
		"invalid UTF-8":             gpBundle("{\"resourceType\": \"Observation\", \"id\": \"o\", \"code\": {\"text\": \"\xff\xfeZanzibarite\"}, \"valueString\": \"\xc3\"}"),
	}
}

// TestGPConnectHostile checks that gpconnect.Read meets every hostile
// bundle with a draft or a *gpconnect.Error, in bounded time, without a
// panic and without a patient value in the error or the report.
func TestGPConnectHostile(t *testing.T) {
	for name, doc := range gpHostile() {
		t.Run(name, func(t *testing.T) {
			type result struct {
				text string
				err  error
			}
			r := within(t, 3*time.Minute, func() result {
				_, rep, err := gpconnect.Read(bytes.NewReader(doc))
				if err != nil {
					return result{err: err}
				}
				var b strings.Builder
				_ = rep.WriteText(&b)
				return result{text: b.String()}
			})
			if r.err != nil {
				var ge *gpconnect.Error
				assert.True(t, errors.As(r.err, &ge), "an *Error")
				assertNoPatientData(t, "the error", r.err.Error(), gpValues)
				return
			}
			assertNoPatientData(t, "the report", r.text, gpValues)
		})
	}
}

// TestGPConnectMemory checks that the largest bundle Read accepts, made of
// resources that refer to each other, is read within a bounded heap, and
// that a larger one is refused having read no more than the limit.
func TestGPConnectMemory(t *testing.T) {
	const limit = 512 << 20
	doc := gpRepeat(gpconnect.MaxBundleBytes, func(i int) string {
		switch i % 4 {
		case 0:
			return fmt.Sprintf(`{"resourceType": "Observation", "id": "o%d", "code": {"text": "Zanzibarite"}, "valueQuantity": {"value": 1.5, "unit": "mmol/L"}, "related": [{"type": "has-member", "target": {"reference": "Observation/o%d"}}]}`, i, i+4)
		case 1:
			return fmt.Sprintf(`{"resourceType": "Practitioner", "id": "x%d", "name": [{"family": "Zanzibarite"}]}`, i)
		case 2:
			return fmt.Sprintf(`{"resourceType": "PractitionerRole", "id": "r%d", "practitioner": {"reference": "Practitioner/x%d"}}`, i, i-1)
		}
		return fmt.Sprintf(`{"resourceType": "Condition", "id": "c%d", "code": {"text": "Zanzibarite"}}`, i)
	})
	require.LessOrEqual(t, len(doc), gpconnect.MaxBundleBytes)
	var err error
	start := time.Now()
	u := peakHeap(func() {
		within(t, 5*time.Minute, func() error {
			_, _, err = gpconnect.Read(bytes.NewReader(doc))
			return err
		})
	})
	require.NoError(t, err)
	t.Logf("bundle of %d bytes read in %s; peak heap %.1f MB; allocated %.1f MB in all",
		len(doc), time.Since(start).Round(time.Millisecond), mb(u.peak), mb(u.total))
	assert.Less(t, u.peak, uint64(limit), "peak heap %.1f MB", mb(u.peak))

	big := append(bytes.TrimSuffix(doc, []byte(`]}`)), []byte(strings.Repeat(" ", 1<<20)+`]}`)...)
	u = peakHeap(func() { _, _, err = gpconnect.Read(bytes.NewReader(big)) })
	assert.ErrorIs(t, err, gpconnect.ErrTooLarge)
	assert.Less(t, u.peak, uint64(limit), "peak heap %.1f MB", mb(u.peak))
}

// TestGPConnectCLI runs refer -gpconnect -draft -o on each hostile bundle:
// exit 0 with a draft, or exit 2 with no file left behind; never a panic,
// and no patient value on stderr.
func TestGPConnectCLI(t *testing.T) {
	for name, doc := range gpHostile() {
		t.Run(name, func(t *testing.T) {
			in := writeTemp(t, "bundle.json", doc)
			outDir := t.TempDir()
			res := refer(t, outDir, "-gpconnect", in, "-draft", "-o", "draft.json")
			assertNoPatientData(t, "stderr", res.stderr, gpValues)
			_, _, err := gpconnect.Read(bytes.NewReader(doc))
			if err != nil {
				assert.Equal(t, 2, res.code, res.stderr)
				assertDirEmpty(t, outDir)
				return
			}
			assert.Equal(t, 0, res.code, res.stderr)
			assert.FileExists(t, filepath.Join(outDir, "draft.json"))
		})
	}
}
