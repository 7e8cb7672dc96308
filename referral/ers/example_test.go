package ers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/ers"
)

// A routine referral in England: the letter is composed and rendered, the
// services are searched (A010) and one is chosen, then Submit creates the
// e-Referral (A011), uploads the letter (A020) and attaches it (A012).
// Against a stand-in for e-RS.
func Example() {
	srv := httptest.NewServer(standIn())
	defer srv.Close()
	ctx := context.Background()

	f, err := os.Open("../../testdata/referrals/cardiology-palpitations.json")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	ref, err := referral.Decode(f)
	if err != nil {
		log.Fatal(err)
	}
	if err := ref.Validate(); err != nil {
		log.Fatal(err)
	}
	client, err := ers.NewClient(ers.Config{
		BaseURL:          srv.URL,
		Tokens:           ers.TokenFunc(func(context.Context) (string, error) { return "cis2-user-token", nil }),
		ODSCode:          ref.Practice.ODSCode,
		BusinessFunction: ers.ReferringClinician,
	})
	if err != nil {
		log.Fatal(err)
	}

	// A004: look the specialty code up by its display text.
	specialties, err := client.CodeSystem(ctx, ers.CodeSystemSpecialty)
	if err != nil {
		log.Fatal(err)
	}
	specialty, err := specialties.Find("Cardiology")
	if err != nil {
		log.Fatal(err)
	}
	criteria := ers.Criteria{Specialty: specialties.Coding(specialty), DistanceLimit: 30, AgeAndGenderAppropriate: true}

	// A010: search; a person chooses from what is found.
	params, err := ers.SearchForReferral(ref, criteria)
	if err != nil {
		log.Fatal(err) // errors.Is(err, ers.ErrNotEngland) outside England
	}
	search, err := ers.NewSearchRequest(params)
	if err != nil {
		log.Fatal(err)
	}
	services, err := client.SearchServices(ctx, search)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range services {
		fmt.Printf("service %s: %s, wait %s\n", s.ID, s.Name, s.WaitTime)
	}
	chosen := services[0].ID

	// The letter, rendered as a PDF.
	letter, err := referral.Compose(ref)
	if err != nil {
		log.Fatal(err) // errors.Is(err, referral.ErrTwoWeekWait): use the handoff
	}
	var doc bytes.Buffer
	if _, err := pdf.Render(&doc, letter); err != nil {
		log.Fatal(err)
	}

	// A011, A020 and A012 in one call.
	create, err := ers.CreateForReferral(ref, criteria, chosen)
	if err != nil {
		log.Fatal(err)
	}
	req, err := ers.NewCreateRequest(create, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	done, err := client.Submit(ctx, req, ers.Upload{
		Name: "referral-letter.pdf", ContentType: "application/pdf", Data: doc.Bytes(),
		Description: "Referral letter",
	})
	var stopped *ers.SubmitError
	if errors.As(err, &stopped) {
		// stopped.Step failed; stopped.UBRN is set when the referral exists.
		log.Fatal(err)
	}
	fmt.Println("priority:", create.Criteria.Priority)
	fmt.Println("UBRN:", done.UBRN, "version:", done.ETag)

	// Output:
	// service 11002: Cardiology Outpatients, wait 21 days
	// service 11003: Cardiology Rapid Access, wait LIMITED_AVAILABILITY
	// priority: ROUTINE
	// UBRN: 000000070000 version: W/"2"
}

// A two-week-wait referral is never a letter: its handoff goes to e-RS
// with priority TWO_WEEK_WAIT, and the clinical summary is uploaded for the
// suspected-cancer form.
func Example_twoWeekWait() {
	srv := httptest.NewServer(standIn())
	defer srv.Close()
	ctx := context.Background()

	f, err := os.Open("../../testdata/referrals/2ww-breast.json")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	ref, err := referral.Decode(f)
	if err != nil {
		log.Fatal(err)
	}
	_, err = referral.Compose(ref)
	var tw *referral.TwoWeekWaitError
	if !errors.As(err, &tw) {
		log.Fatal("expected a two-week-wait case")
	}
	h := tw.Handoff()
	fmt.Println("via:", h.Via)

	client, err := ers.NewClient(ers.Config{
		BaseURL:          srv.URL,
		Tokens:           ers.TokenFunc(func(context.Context) (string, error) { return "cis2-user-token", nil }),
		ODSCode:          h.Practice.ODSCode,
		BusinessFunction: ers.ReferringClinician,
	})
	if err != nil {
		log.Fatal(err)
	}
	specialties, err := client.CodeSystem(ctx, ers.CodeSystemSpecialty)
	if err != nil {
		log.Fatal(err)
	}
	specialty, err := specialties.Find(h.Recipient.Specialty)
	if err != nil {
		log.Fatal(err)
	}
	criteria := ers.Criteria{Specialty: specialties.Coding(specialty), AgeAndGenderAppropriate: true}
	create, err := ers.CreateFor(h, criteria, "11002")
	if err != nil {
		log.Fatal(err)
	}
	req, err := ers.NewCreateRequest(create, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	done, err := client.Submit(ctx, req, ers.Upload{
		Name: "clinical-summary.txt", ContentType: "text/plain; charset=utf-8", Data: []byte(h.Summary),
		Description: "Clinical summary for the suspected cancer referral form",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("priority:", create.Criteria.Priority)
	fmt.Println("UBRN:", done.UBRN, "version:", done.ETag)
	fmt.Println("checklist steps:", len(h.Checklist))

	// Output:
	// via: NHS e-Referral Service (e-RS)
	// priority: TWO_WEEK_WAIT
	// UBRN: 000000070000 version: W/"2"
	// checklist steps: 5
}

// A request is checked before it is built: every failing field is named,
// never its value.
func ExampleNewCreateRequest() {
	_, err := ers.NewCreateRequest(ers.CreateParams{
		NHSNumber: "987 654 4321",
		Criteria:  ers.Criteria{Priority: ers.PriorityTwoWeekWait},
	}, time.Now())
	var fields referral.FieldErrors
	if errors.As(err, &fields) {
		for _, f := range fields {
			fmt.Println(f.Path, "-", f.Message)
		}
	}
	fmt.Println(errors.Is(err, ers.ErrInvalidRequest))
	// Output:
	// nhsNumber - not a valid NHS number (10 digits with a correct check digit)
	// services - a shortlist needs at least one service
	// true
}

// An eRS error answer is an *APIError with the eRS error codes.
func ExampleAPIError() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/fhir+json")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"forbidden",`+
			`"details":{"coding":[{"system":"https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1","code":"NO_REG_GP_PRACTICE"}]}}]}`)
	}))
	defer srv.Close()
	client, err := ers.NewClient(ers.Config{
		BaseURL:          srv.URL,
		Tokens:           ers.TokenFunc(func(context.Context) (string, error) { return "cis2-user-token", nil }),
		ODSCode:          "B86041",
		BusinessFunction: ers.ReferringClinician,
	})
	if err != nil {
		log.Fatal(err)
	}
	search, err := ers.NewSearchRequest(ers.SearchParams{
		NHSNumber: "9990000190",
		Criteria:  ers.Criteria{Priority: ers.PriorityTwoWeekWait},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.SearchServices(context.Background(), search)
	var apiErr *ers.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Has("NO_REG_GP_PRACTICE"))
	}
	fmt.Println(err)
	// Output:
	// 403 true
	// ers: A010 search services: HTTP 403 Forbidden (NO_REG_GP_PRACTICE)
}

// standIn answers as eRS would for the Example. Its codes and service are
// made up for the example.
func standIn() http.Handler {
	codeSystem := func(id string, concepts ...map[string]any) []byte {
		b, _ := json.Marshal(map[string]any{
			"resourceType": "CodeSystem", "id": id, "url": "https://ers.example/STU3/CodeSystem/" + id,
			"status": "active", "content": "complete", "concept": concepts,
		})
		return b
	}
	specialty := func(code string) []map[string]any {
		return []map[string]any{{"code": "specialty", "valueCoding": map[string]string{
			"system": "https://ers.example/STU3/CodeSystem/SPECIALTY", "code": code}}}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /STU3/CodeSystem/SPECIALTY", func(w http.ResponseWriter, r *http.Request) {
		w.Write(codeSystem("SPECIALTY",
			map[string]any{"code": "BREAST_SURGERY", "display": "Breast Surgery"},
			map[string]any{"code": "CARDIOLOGY", "display": "Cardiology"}))
	})
	mux.HandleFunc("GET /STU3/CodeSystem/CLINIC-TYPE", func(w http.ResponseWriter, r *http.Request) {
		w.Write(codeSystem("CLINIC-TYPE",
			map[string]any{"code": "2WW_BREAST", "display": "2WW Breast", "property": specialty("BREAST_SURGERY")},
			map[string]any{"code": "BREAST_SYMPTOMATIC", "display": "Breast Symptomatic", "property": specialty("BREAST_SURGERY")},
			map[string]any{"code": "HEART_FAILURE", "display": "Heart Failure", "property": specialty("CARDIOLOGY")}))
	})
	mux.HandleFunc("POST /STU3/HealthcareService/{op}", func(w http.ResponseWriter, r *http.Request) {
		entry := func(id, name, wait string) string {
			return `{"extension":[{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ServiceSearch-ListItem-1",` +
				`"extension":[` + wait + `]}],"item":{"identifier":{"system":"http://fhir.nhs.net/Id/ers-service","value":"` + id + `"},` +
				`"extension":[{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ServiceSummaryView-1",` +
				`"extension":[{"url":"serviceName","valueString":"` + name + `"}]}]}}`
		}
		fmt.Fprint(w, `{"resourceType":"List","status":"current","mode":"snapshot","entry":[`+
			entry("11002", "Cardiology Outpatients", `{"url":"indicativeAppointmentWaitTime","valueUnsignedInt":21}`)+","+
			entry("11003", "Cardiology Rapid Access", `{"url":"indicativeAppointmentWaitTime","valueCodeableConcept":`+
				`{"coding":[{"system":"https://fhir.nhs.uk/STU3/CodeSystem/eRS-IWT-1","code":"LIMITED_AVAILABILITY"}]}}`)+`]}`)
	})
	mux.HandleFunc("POST /STU3/ReferralRequest/{op}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `W/"1"`)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"resourceType":"ReferralRequest","id":"000000070000"}`)
	})
	mux.HandleFunc("POST /STU3/Binary", func(w http.ResponseWriter, r *http.Request) {
		ct := r.Header.Get("Content-Type")
		if !strings.HasPrefix(ct, "text/plain") && ct != "application/pdf" || r.Header.Get("NHSD-eRS-Referral-ID") != "000000070000" {
			w.WriteHeader(http.StatusUnsupportedMediaType)
			return
		}
		w.Header().Set("Location", "Binary/3f2b7c1e-0d4a-4e8b-9a61-5c2d8e7f9a10")
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("POST /STU3/ReferralRequest/{ubrn}/{op}", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Match") != `W/"1"` {
			w.WriteHeader(http.StatusPreconditionFailed)
			return
		}
		w.Header().Set("ETag", `W/"2"`)
		fmt.Fprint(w, `{"resourceType":"ReferralRequest","id":"`+r.PathValue("ubrn")+`"}`)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer cis2-user-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/fhir+json")
		mux.ServeHTTP(w, r)
	})
}
