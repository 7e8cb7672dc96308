package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bundles = "../../testdata/gpconnect/"

// TestReferGPConnectDraft drafts a referral from a bundle, completes it as
// a clinician would with what the report asks for, and writes the letter.
func TestReferGPConnectDraft(t *testing.T) {
	dir := t.TempDir()
	draftPath := filepath.Join(dir, "draft.json")
	code, stdout, stderr := refer(t, "-gpconnect", bundles+"own_full_record.json", "-draft", "-o", draftPath)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	for _, part := range []string{"reason:", "request:", "history:", "Sources:", "Not placed in the draft:"} {
		assert.Contains(t, stderr, part)
	}
	for _, value := range []string{"Ashworth", "9990000018", "Amlodipine", "Okafor"} {
		assert.NotContains(t, stderr, value, "the report names resources, never values")
	}

	b, err := os.ReadFile(draftPath)
	require.NoError(t, err)
	var draft map[string]any
	require.NoError(t, json.Unmarshal(b, &draft))
	draft["priority"] = "routine"
	draft["recipient"] = map[string]any{"service": "Cardiology Outpatients"}
	draft["reason"] = "Hypertension not controlled on amlodipine"
	draft["request"] = map[string]any{"kind": "advice"}
	draft["history"] = "Clinic readings above 150/90 for six months despite treatment."
	draft["referrer"].(map[string]any)["phone"] = "0113 496 0001"
	b, err = json.Marshal(draft)
	require.NoError(t, err)
	completed := filepath.Join(dir, "completed.json")
	require.NoError(t, os.WriteFile(completed, b, 0o600))

	code, _, stderr = refer(t, "-o", filepath.Join(dir, "letter.pdf"), completed)
	require.Equal(t, 0, code, stderr)
	pdfBytes, err := os.ReadFile(filepath.Join(dir, "letter.pdf"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(pdfBytes), "%PDF-1."))

	code, text, stderr := refer(t, "-format", "text", "-o", "-", completed)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, text, "No known drug allergies")
	assert.Contains(t, text, "Amlodipine 5mg tablets")
}

// TestReferGPConnectStdout checks that the draft goes to stdout without -o,
// and that several bundles are read together.
func TestReferGPConnectStdout(t *testing.T) {
	code, stdout, stderr := refer(t, "-gpconnect", bundles+"own_allergies_only.json", "-gpconnect", bundles+"own_medication_only.json", "-draft")
	require.Equal(t, 0, code, stderr)
	var draft struct {
		Allergies   struct{ State string } `json:"allergies"`
		Medications struct{ State string } `json:"medications"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &draft))
	assert.Equal(t, "recorded", draft.Allergies.State)
	assert.Equal(t, "recorded", draft.Medications.State)
}

// TestReferGPConnectDraftReadable checks that the draft a person completes
// prints comparators as written, not as JSON escapes, and that the report
// names what was not placed.
func TestReferGPConnectDraftReadable(t *testing.T) {
	code, stdout, stderr := refer(t, "-gpconnect", bundles+"own_emis_like.json", "-draft")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, `"<5 mg/L; reference range Less than 10 mg/L"`)
	assert.Contains(t, stderr, "MedicationStatement/s3 (bundle 1, entry 25): medication with status completed: not current")
	for _, v := range []string{"Brightwater", "9990000034", "900123", "Weaver", "amoxicillin", "Polish"} {
		assert.NotContains(t, stderr, v)
	}
}

// TestReferGPConnectFailures checks bad bundles and flag misuse: exit 2, a
// message naming the entry, no draft, no patient data.
func TestReferGPConnectFailures(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"truncated", []string{"-gpconnect", bundles + "own_truncated.json", "-draft"}, `"own_truncated.json": gpconnect: bundle 1: malformed JSON`},
		{"wrong type", []string{"-gpconnect", bundles + "own_wrong_type.json", "-draft"}, "entry 4 (List): resource of the wrong type"},
		{"two patients", []string{"-gpconnect", bundles + "own_full_record.json", "-gpconnect", bundles + "pathology_response1.json", "-draft"}, "not about the same patient"},
		{"no -draft", []string{"-gpconnect", bundles + "own_full_record.json"}, "-gpconnect needs -draft"},
		{"no -gpconnect", []string{"-draft"}, "-draft needs -gpconnect"},
		{"a referral too", []string{"-gpconnect", bundles + "own_full_record.json", "-draft", good}, "takes no REFERRAL.json"},
		{"missing file", []string{"-gpconnect", filepath.Join(t.TempDir(), "none.json"), "-draft"}, `refer: "none.json": no such file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "draft.json")
			code, stdout, stderr := refer(t, append(tt.args, "-o", out)...)
			assert.Equal(t, exitInvalid, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tt.want)
			assert.NotContains(t, stderr, "Ashworth")
			assert.NoFileExists(t, out)
		})
	}
}
