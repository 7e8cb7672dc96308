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
// referral's own JSON Schema as the request schema, so the two cannot
// drift apart.
var openAPIDocument = sync.OnceValue(func() []byte {
	var doc map[string]any
	if err := json.Unmarshal(openAPITemplate, &doc); err != nil {
		panic("openapi.json: " + err.Error()) // embedded, checked by the tests
	}
	doc["components"].(map[string]any)["schemas"].(map[string]any)["Referral"] = json.RawMessage(referral.JSONSchema())
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("openapi.json: " + err.Error())
	}
	return append(b, '\n')
})
