package main

import (
	_ "embed"
	"encoding/json"
	"sync"

	"github.com/refletter/refletter/referral"
)

//go:embed openapi.json
var openAPITemplate []byte

// openAPIDocument returns the server's OpenAPI 3.1 document, with the
// referral's own JSON Schemas (the referral's and the returned
// document's) as the request schemas, so they cannot drift apart.
var openAPIDocument = sync.OnceValue(func() []byte {
	var doc map[string]any
	if err := json.Unmarshal(openAPITemplate, &doc); err != nil {
		panic("openapi.json: " + err.Error()) // embedded, checked by the tests
	}
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	schemas["Referral"] = json.RawMessage(referral.JSONSchema())
	schemas["Returned"] = json.RawMessage(referral.ReturnedJSONSchema())
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("openapi.json: " + err.Error())
	}
	return append(b, '\n')
})
