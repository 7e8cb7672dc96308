package gpconnect

import "encoding/json"

// The FHIR STU3 elements this package reads, as plain structs. Only the
// elements the mapping uses are declared; encoding/json skips the rest. A
// FHIR library was weighed and not used: see the package documentation.

type bundle struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type"`
	Meta         meta   `json:"meta"`
	Entry        []struct {
		FullURL  string          `json:"fullUrl"`
		Resource json.RawMessage `json:"resource"`
	} `json:"entry"`
}

type meta struct {
	Profile []string `json:"profile"`
}

// header is what every resource is first read as.
type header struct {
	ResourceType string            `json:"resourceType"`
	ID           string            `json:"id"`
	Contained    []json.RawMessage `json:"contained"`
}

type coding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type codeableConcept struct {
	Coding []coding `json:"coding"`
	Text   string   `json:"text"`
}

type reference struct {
	Reference string `json:"reference"`
	Display   string `json:"display"`
}

type identifier struct {
	System string `json:"system"`
	Value  string `json:"value"`
}

type humanName struct {
	Use    string   `json:"use"`
	Text   string   `json:"text"`
	Family string   `json:"family"`
	Given  []string `json:"given"`
	Prefix []string `json:"prefix"`
}

type contactPoint struct {
	System string  `json:"system"`
	Value  string  `json:"value"`
	Use    string  `json:"use"`
	Period *period `json:"period"`
}

type address struct {
	Use        string   `json:"use"`
	Type       string   `json:"type"`
	Text       string   `json:"text"`
	Line       []string `json:"line"`
	City       string   `json:"city"`
	District   string   `json:"district"`
	PostalCode string   `json:"postalCode"`
	Period     *period  `json:"period"`
}

type period struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type annotation struct {
	Text string `json:"text"`
}

type extension struct {
	URL                  string           `json:"url"`
	ValueCode            string           `json:"valueCode"`
	ValueBoolean         *bool            `json:"valueBoolean"`
	ValueCodeableConcept *codeableConcept `json:"valueCodeableConcept"`
	Extension            []extension      `json:"extension"`
}

type quantity struct {
	Value      json.Number `json:"value"`
	Comparator string      `json:"comparator"`
	Unit       string      `json:"unit"`
	Code       string      `json:"code"`
}

type patient struct {
	Identifier []identifier      `json:"identifier"`
	Name       []humanName       `json:"name"`
	Telecom    []contactPoint    `json:"telecom"`
	Extension  []extension       `json:"extension"`
	Gender     string            `json:"gender"`
	BirthDate  string            `json:"birthDate"`
	DeceasedB  *bool             `json:"deceasedBoolean"`
	DeceasedDT string            `json:"deceasedDateTime"`
	Address    []address         `json:"address"`
	Contact    []json.RawMessage `json:"contact"`
	Comm       []json.RawMessage `json:"communication"`
	GP         []reference       `json:"generalPractitioner"`
	Managing   *reference        `json:"managingOrganization"`
}

type organization struct {
	Identifier []identifier   `json:"identifier"`
	Name       string         `json:"name"`
	Address    []address      `json:"address"`
	Telecom    []contactPoint `json:"telecom"`
}

type practitioner struct {
	Identifier []identifier `json:"identifier"`
	Name       []humanName  `json:"name"`
}

type practitionerRole struct {
	Practitioner *reference        `json:"practitioner"`
	Code         []codeableConcept `json:"code"`
}

type list struct {
	Extension   []extension      `json:"extension"`
	Code        codeableConcept  `json:"code"`
	Title       string           `json:"title"`
	EmptyReason *codeableConcept `json:"emptyReason"`
	Entry       []struct {
		Item reference `json:"item"`
	} `json:"entry"`
}

type allergyIntolerance struct {
	ClinicalStatus     string          `json:"clinicalStatus"`
	VerificationStatus string          `json:"verificationStatus"`
	Code               codeableConcept `json:"code"`
	Note               []annotation    `json:"note"`
	Reaction           []struct {
		Manifestation []codeableConcept `json:"manifestation"`
		Description   string            `json:"description"`
		Severity      string            `json:"severity"`
	} `json:"reaction"`
}

type medicationStatement struct {
	Status              string           `json:"status"`
	MedicationReference *reference       `json:"medicationReference"`
	MedicationConcept   *codeableConcept `json:"medicationCodeableConcept"`
	EffectivePeriod     *period          `json:"effectivePeriod"`
	EffectiveDateTime   string           `json:"effectiveDateTime"`
	Note                []annotation     `json:"note"`
	Dosage              []struct {
		Text               string `json:"text"`
		PatientInstruction string `json:"patientInstruction"`
	} `json:"dosage"`
}

type medication struct {
	Code codeableConcept `json:"code"`
}

type condition struct {
	Extension          []extension     `json:"extension"`
	ClinicalStatus     string          `json:"clinicalStatus"`
	VerificationStatus string          `json:"verificationStatus"`
	Code               codeableConcept `json:"code"`
	OnsetDateTime      string          `json:"onsetDateTime"`
	OnsetPeriod        *period         `json:"onsetPeriod"`
	AbatementDateTime  string          `json:"abatementDateTime"`
	Note               []annotation    `json:"note"`
}

type observation struct {
	Status            string          `json:"status"`
	Code              codeableConcept `json:"code"`
	EffectiveDateTime string          `json:"effectiveDateTime"`
	EffectivePeriod   *period         `json:"effectivePeriod"`
	Issued            string          `json:"issued"`
	value
	Interpretation *codeableConcept `json:"interpretation"`
	Comment        string           `json:"comment"`
	ReferenceRange []struct {
		Low  *quantity `json:"low"`
		High *quantity `json:"high"`
		Text string    `json:"text"`
	} `json:"referenceRange"`
	Component []struct {
		Code codeableConcept `json:"code"`
		value
	} `json:"component"`
	Related []struct {
		Type   string    `json:"type"`
		Target reference `json:"target"`
	} `json:"related"`
}

// value is an Observation's or component's value[x], in every STU3 type
// but SampledData and Attachment.
type value struct {
	ValueQuantity        *quantity        `json:"valueQuantity"`
	ValueString          string           `json:"valueString"`
	ValueCodeableConcept *codeableConcept `json:"valueCodeableConcept"`
	ValueBoolean         *bool            `json:"valueBoolean"`
	ValueRange           *struct {
		Low  *quantity `json:"low"`
		High *quantity `json:"high"`
	} `json:"valueRange"`
	ValueRatio *struct {
		Numerator   *quantity `json:"numerator"`
		Denominator *quantity `json:"denominator"`
	} `json:"valueRatio"`
	ValueDateTime string  `json:"valueDateTime"`
	ValueTime     string  `json:"valueTime"`
	ValuePeriod   *period `json:"valuePeriod"`
}

type diagnosticReport struct {
	Status            string          `json:"status"`
	Code              codeableConcept `json:"code"`
	EffectiveDateTime string          `json:"effectiveDateTime"`
	Issued            string          `json:"issued"`
	Result            []reference     `json:"result"`
	Conclusion        string          `json:"conclusion"`
}

// subjects are the references that say whom a resource is about.
type subjects struct {
	Subject *reference `json:"subject"`
	Patient *reference `json:"patient"`
}
