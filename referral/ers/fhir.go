package ers

// The FHIR STU3 shapes the eRS API takes and gives. They are unexported:
// callers build requests from the plain inputs in search.go, create.go and
// letter.go, and read answers as Service, Created and CodeSystem.

// Code systems, identifier systems and profiles of the e-RS FHIR STU3 API.
const (
	systemPriority         = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-Priority-1"
	systemRequestType      = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-RequestType-1"
	systemSortBy           = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-SortBy-1"
	systemLetterIntention  = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-ReferralLetterIntention-1"
	systemAttachmentType   = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-AttachmentType-1"
	systemNHSNumber        = "http://fhir.nhs.net/Id/nhs-number"
	systemSDSUser          = "http://fhir.nhs.net/Id/sds-user-id"
	systemService          = "http://fhir.nhs.net/Id/ers-service"
	systemOrganisation     = "https://directory.spineservices.nhs.uk/STU3/Organization"
	systemODSOrganisation  = "https://fhir.nhs.uk/Id/ods-organization-code"
	systemAPIErrorCode     = "https://fhir.nhs.uk/STU3/CodeSystem/eRS-APIErrorCode-1"
	profileSearch          = "https://fhir.nhs.uk/STU3/StructureDefinition/eRS-PatientServiceSearch-Parameters-1"
	profileCriteria        = "https://fhir.nhs.uk/STU3/StructureDefinition/eRS-ServiceSearchCriteria-Parameters-1"
	profileCreate          = "https://fhir.nhs.uk/STU3/StructureDefinition/eRS-CreateReferral-Parameters-1"
	profileShortlist       = "https://fhir.nhs.uk/STU3/StructureDefinition/eRS-Shortlist-List-1"
	profileMaintainLetter  = "https://fhir.nhs.uk/STU3/StructureDefinition/eRS-MaintainReferralLetter-Parameters-1"
	profileDocumentRef     = "https://fhir.nhs.uk/STU3/StructureDefinition/eRS-DocumentReference-1"
	extShortlistCriteria   = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-Shortlist-SearchCriteria-1"
	extServiceSearchItem   = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ServiceSearch-ListItem-1"
	extServiceSummaryView  = "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-eRS-ServiceSummaryView-1"
	criteriaID             = "ServiceSearchCriteria-1"
	attachmentTypeReferrer = "REFERRER"
)

// SNOMEDCT is the code system of a clinical term in search criteria.
const SNOMEDCT = "http://snomed.info/sct"

type meta struct {
	Profile []string `json:"profile"`
}

type coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

type identifier struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

type reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

type codeableConcept struct {
	Coding []coding `json:"coding,omitempty"`
}

// parameters is a FHIR Parameters resource. Resource holds a nested
// resource (*parameters, *list or *documentReference) when marshalling.
type parameters struct {
	ResourceType string  `json:"resourceType"`
	ID           string  `json:"id,omitempty"`
	Meta         *meta   `json:"meta,omitempty"`
	Parameter    []param `json:"parameter"`
}

type param struct {
	Name             string      `json:"name"`
	ValueCoding      *coding     `json:"valueCoding,omitempty"`
	ValueIdentifier  *identifier `json:"valueIdentifier,omitempty"`
	ValueUnsignedInt *uint32     `json:"valueUnsignedInt,omitempty"`
	ValueBoolean     *bool       `json:"valueBoolean,omitempty"`
	ValueString      *string     `json:"valueString,omitempty"`
	ValueInstant     string      `json:"valueInstant,omitempty"`
	Resource         any         `json:"resource,omitempty"`
}

type list struct {
	ResourceType string      `json:"resourceType"`
	Meta         *meta       `json:"meta,omitempty"`
	Status       string      `json:"status"`
	Mode         string      `json:"mode"`
	Contained    []any       `json:"contained,omitempty"`
	Entry        []listEntry `json:"entry"`
	Extension    []extension `json:"extension,omitempty"`
}

type listEntry struct {
	Extension []extension `json:"extension,omitempty"`
	Item      listItem    `json:"item"`
}

type listItem struct {
	Extension  []extension `json:"extension,omitempty"`
	Identifier *identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// extension is a FHIR extension, with the value types eRS uses.
type extension struct {
	URL                  string           `json:"url"`
	Extension            []extension      `json:"extension,omitempty"`
	ValueString          *string          `json:"valueString,omitempty"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueUnsignedInt     *uint32          `json:"valueUnsignedInt,omitempty"`
	ValueCoding          *coding          `json:"valueCoding,omitempty"`
	ValueCodeableConcept *codeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueReference       *reference       `json:"valueReference,omitempty"`
	ValueIdentifier      *identifier      `json:"valueIdentifier,omitempty"`
}

type documentReference struct {
	ResourceType string          `json:"resourceType"`
	Meta         *meta           `json:"meta,omitempty"`
	Type         codeableConcept `json:"type"`
	Status       string          `json:"status"`
	Indexed      string          `json:"indexed"`
	Description  string          `json:"description,omitempty"`
	Content      []docContent    `json:"content"`
}

type docContent struct {
	Attachment docAttachment `json:"attachment"`
}

type docAttachment struct {
	URL string `json:"url"`
}

// operationOutcome is the body of an eRS error answer. Diagnostics is
// deliberately not read: it may repeat patient data.
type operationOutcome struct {
	ResourceType string `json:"resourceType"`
	Issue        []struct {
		Code    string `json:"code"`
		Details struct {
			Coding []coding `json:"coding"`
		} `json:"details"`
	} `json:"issue"`
}

func profile(p string) *meta { return &meta{Profile: []string{p}} }

func ptr[T any](v T) *T { return &v }

// sub returns the first nested extension with the given url.
func sub(exts []extension, url string) *extension {
	for i := range exts {
		if exts[i].URL == url {
			return &exts[i]
		}
	}
	return nil
}
