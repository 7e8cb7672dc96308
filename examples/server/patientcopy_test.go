package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLettersPatientCopy: ?copy=patient answers with the patient's copy;
// a referral without a copy due, or another value, is a problem.
func TestLettersPatientCopy(t *testing.T) {
	srv, _ := testServer(t)
	amd := mustFile(t, "../../testdata/referrals/ophthalmology-wet-amd.json")
	url := srv.URL + "/v1/letters?copy=patient"

	resp := post(t, url, "application/json", "text/plain", amd)
	body := read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "Copy for the patient")
	assert.NotContains(t, string(body), "About this referral")

	resp = post(t, url, "application/json", "", amd)
	body = read(t, resp)
	assert.Equal(t, 200, resp.StatusCode)
	assert.True(t, bytes.HasPrefix(body, []byte("%PDF-1.")))

	child := mustFile(t, "../../testdata/referrals/paediatrics-faltering-growth.json")
	resp = post(t, url, "application/json", "", child)
	body = read(t, resp)
	assert.Equal(t, 422, resp.StatusCode)
	var p problem
	require.NoError(t, json.Unmarshal(body, &p))
	assert.Equal(t, problemNoCopy, p.Type)

	resp = post(t, srv.URL+"/v1/letters?copy=gp", "application/json", "", amd)
	read(t, resp)
	assert.Equal(t, 400, resp.StatusCode)
}
