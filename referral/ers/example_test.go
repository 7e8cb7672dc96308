package ers_test

import (
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

	"github.com/refletter/refletter/referral"
	"github.com/refletter/refletter/referral/ers"
)

// A two-week-wait referral from its JSON to a referral in eRS with its
// clinical summary attached, against a stand-in for eRS.
func Example() {
	srv := httptest.NewServer(standIn())
	defer srv.Close()

	f, err := os.Open("../../testdata/referrals/2ww-breast.json")
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
	route := referral.Decide(ref)
	fmt.Println("path:", route.Path)
	_, err = referral.Compose(ref)
	fmt.Println("letter refused:", errors.Is(err, referral.ErrTwoWeekWait))
	h := route.Handoff

	client, err := ers.NewClient(ers.Config{
		BaseURL:          srv.URL,
		Tokens:           ers.TokenFunc(func(context.Context) (string, error) { return "cis2-user-token", nil }),
		ODSCode:          h.PracticeODS,
		BusinessFunction: ers.ReferringClinician,
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// A004: look the codes up by their display text.
	specialties, err := client.CodeSystem(ctx, ers.CodeSystemSpecialty)
	if err != nil {
		log.Fatal(err)
	}
	specialty, err := specialties.Find(h.Specialty)
	if err != nil {
		log.Fatal(err)
	}
	clinicTypes, err := client.CodeSystem(ctx, ers.CodeSystemClinicType)
	if err != nil {
		log.Fatal(err)
	}
	clinicType, err := clinicTypes.ForSpecialty(specialty.Code).Find("2WW Breast")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("specialty:", specialty.Code, "clinic type:", clinicType.Code)
	criteria := ers.Criteria{
		Specialty:               specialties.Coding(specialty),
		ClinicType:              clinicTypes.Coding(clinicType),
		DistanceLimit:           30,
		AgeAndGenderAppropriate: true,
	}

	// A010: search for services.
	search, err := ers.ServiceSearch(ers.SearchFor(h, criteria))
	if err != nil {
		log.Fatal(err)
	}
	services, err := client.SearchServices(ctx, search)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range services {
		fmt.Printf("service %s: %s\n", s.ID, s.Name)
	}

	// A011: create the referral with the services found.
	r := ers.ReferralFor(h, criteria, services[0].ID)
	r.PathwayStart = time.Now()
	create, err := ers.CreateReferral(r, time.Now())
	if err != nil {
		log.Fatal(err)
	}
	created, err := client.CreateReferral(ctx, create)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("UBRN:", created.UBRN, created.ETag)

	// A020: upload the clinical summary for the suspected-cancer form.
	loc, err := client.UploadFile(ctx, ers.File{
		Name:        "clinical-summary.txt",
		ContentType: "text/plain; charset=utf-8",
		Data:        []byte(h.Summary),
		ReferralID:  created.UBRN,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("uploaded:", loc)

	// A012: attach every file.
	letters, err := ers.MaintainReferralLetter(ers.Document{
		Location: loc, Description: "Clinical summary for the suspected cancer referral form", Indexed: time.Now(),
	})
	if err != nil {
		log.Fatal(err)
	}
	etag, err := client.AttachLetters(ctx, created.UBRN, created.ETag, letters)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("attached, version", etag)
	fmt.Println("checklist steps:", len(h.Checklist))

	// Output:
	// path: ers
	// letter refused: true
	// specialty: BREAST_SURGERY clinic type: 2WW_BREAST
	// service 8140377: Breast Clinic (urgent suspected cancer)
	// UBRN: 000000070000 W/"1"
	// uploaded: Binary/3f2b7c1e-0d4a-4e8b-9a61-5c2d8e7f9a10
	// attached, version W/"2"
	// checklist steps: 5
}

// A request is checked before it is built: every failing field is named,
// never its value.
func ExampleCreateReferral() {
	_, err := ers.CreateReferral(ers.NewReferral{
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
	search, err := ers.ServiceSearch(ers.Search{
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
		fmt.Fprint(w, `{"resourceType":"List","status":"current","mode":"snapshot","entry":[{"item":{`+
			`"identifier":{"system":"http://fhir.nhs.net/Id/ers-service","value":"8140377"},`+
			`"extension":[{"url":"https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ServiceSummaryView-1",`+
			`"extension":[{"url":"serviceName","valueString":"Breast Clinic (urgent suspected cancer)"}]}]}}]}`)
	})
	mux.HandleFunc("POST /STU3/ReferralRequest/{op}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `W/"1"`)
		w.WriteHeader(http.StatusCreated)
		fmt.Fprint(w, `{"resourceType":"ReferralRequest","id":"000000070000"}`)
	})
	mux.HandleFunc("POST /STU3/Binary", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") || r.Header.Get("NHSD-eRS-Referral-ID") == "" {
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
