package referral

import "strings"

// Referral is one GP referral: everything the letter says, in the shape of
// its JSON form. The JSON names are a public contract; see the README and
// referral.schema.json.
//
// Validate checks that the mandatory parts are given: the priority, the
// referrer with a registration number, the practice, the recipient
// service, the patient's name, date of birth, NHS number, address and a
// phone, the reason, the request, the history, and the states of the
// medication and allergy lists. Optional parts left empty are left out of
// the letter; nothing that is given is ever dropped.
type Referral struct {
	// Date is the letter date. Zero means "today" at composition.
	Date Date `json:"date,omitzero"`
	// Reference is the practice's own reference for the referral.
	Reference string `json:"reference,omitempty"`
	// Priority is routine, urgent or two-week wait.
	Priority Priority `json:"priority" validate:"required"`
	// PriorityReason says why a referral is not routine.
	PriorityReason string `json:"priorityReason,omitempty"`
	// UBRN is the e-RS referral this letter is attached to, set once the
	// e-Referral is created and before the letter is rendered. Optional.
	UBRN UBRN `json:"ubrn,omitempty" validate:"omitempty,ubrn"`

	Referrer  Referrer  `json:"referrer"`
	Practice  Practice  `json:"practice"`
	Recipient Recipient `json:"recipient"`
	Patient   Patient   `json:"patient"`

	// Reason is the reason for referral, in the referrer's words.
	Reason string `json:"reason" validate:"required"`
	// Request is what the referrer asks the specialist to do.
	Request Request `json:"request"`

	// History is the history of the presenting complaint.
	History         string          `json:"history" validate:"required"`
	Examination     string          `json:"examination,omitempty"`
	Investigations  []Investigation `json:"investigations,omitempty" validate:"dive"`
	ManagementSoFar string          `json:"managementSoFar,omitempty"`
	PastHistory     []Condition     `json:"pastHistory,omitempty" validate:"dive"`
	Medications     Medications     `json:"medications"`
	Allergies       Allergies       `json:"allergies"`
	FamilyHistory   string          `json:"familyHistory,omitempty"`
	SocialHistory   string          `json:"socialHistory,omitempty"`

	PatientView       *PatientView       `json:"patientView,omitempty"`
	Communication     *Communication     `json:"communication,omitempty"`
	Safety            *Safety            `json:"safety,omitempty"`
	AdviceAndGuidance *AdviceAndGuidance `json:"adviceAndGuidance,omitempty"`
	Attachments       []Attachment       `json:"attachments,omitempty" validate:"dive"`
	Copies            *Copies            `json:"copies,omitempty"`
}

// Referrer is the clinician who signs the letter. At least one registration
// number (GMC, NMC or HCPC) is required.
type Referrer struct {
	Name       string `json:"name" validate:"required"`
	Role       string `json:"role" validate:"required"`
	GMCNumber  string `json:"gmcNumber,omitempty" validate:"omitempty,gmc"`
	NMCPin     string `json:"nmcPin,omitempty" validate:"omitempty,nmcpin"`
	HCPCNumber string `json:"hcpcNumber,omitempty" validate:"omitempty,hcpc"`
	// Phone is a direct contact for the receiving clinician.
	Phone string `json:"phone" validate:"required,ukphone"`
	Email string `json:"email,omitempty" validate:"omitempty,email"`
}

// Practice is the referring GP practice.
type Practice struct {
	Name string `json:"name" validate:"required"`
	// ODSCode is the practice's ODS code, such as A81001.
	ODSCode string  `json:"odsCode" validate:"required,odspractice"`
	Address Address `json:"address"`
	Phone   string  `json:"phone" validate:"required,ukphone"`
	// Email is the practice's secure (nhs.net) email. Recommended.
	Email string `json:"email,omitempty" validate:"omitempty,email"`
	// Nation is where the practice is: england, wales, scotland or
	// northern-ireland. When empty it is inferred (see EffectiveNation).
	Nation Nation `json:"nation,omitempty" validate:"omitempty,oneof=england wales scotland northern-ireland"`
}

// Recipient is the service the patient is referred to.
type Recipient struct {
	Service      string   `json:"service" validate:"required"`
	Specialty    string   `json:"specialty,omitempty"`
	Clinician    string   `json:"clinician,omitempty"`
	Organisation string   `json:"organisation,omitempty"`
	Address      *Address `json:"address,omitempty" validate:"omitempty"`
	// SuspectedCancer marks a suspected-cancer (two-week-wait) service.
	// A referral to such a service always takes the eRS path.
	SuspectedCancer bool   `json:"suspectedCancer,omitempty"`
	ERSServiceID    string `json:"ersServiceId,omitempty"`
}

// Patient identifies the person referred.
type Patient struct {
	Title         string    `json:"title,omitempty"`
	GivenName     string    `json:"givenName" validate:"required"`
	FamilyName    string    `json:"familyName" validate:"required"`
	PreferredName string    `json:"preferredName,omitempty"`
	DateOfBirth   Date      `json:"dateOfBirth"`
	NHSNumber     NHSNumber `json:"nhsNumber" validate:"required,nhsnumber"`
	// Sex is as recorded in the patient's record, in words.
	Sex     string  `json:"sex,omitempty"`
	Address Address `json:"address"`
	Phones  []Phone `json:"phones" validate:"required,min=1,dive"`
	Email   string  `json:"email,omitempty" validate:"omitempty,email"`
}

// Phone is a phone number with its kind ("mobile", "home", "work").
type Phone struct {
	Kind   string `json:"kind,omitempty"`
	Number string `json:"number" validate:"required,ukphone"`
}

// Address is a UK postal address.
type Address struct {
	Lines    []string `json:"lines" validate:"required,min=1"`
	Town     string   `json:"town,omitempty"`
	Postcode string   `json:"postcode" validate:"required,postcode"`
}

// RequestKind is what the referrer asks for.
type RequestKind string

// The kinds of request.
const (
	RequestDiagnosis RequestKind = "diagnosis"
	RequestAdvice    RequestKind = "advice"
	RequestTreatment RequestKind = "treatment"
	RequestProcedure RequestKind = "procedure"
	RequestOther     RequestKind = "other"
)

// Request is the question asked of the specialist. Detail is required when
// the kind is "other".
type Request struct {
	Kind   RequestKind `json:"kind" validate:"required,oneof=diagnosis advice treatment procedure other"`
	Detail string      `json:"detail,omitempty" validate:"required_if=Kind other"`
}

// Investigation is one test with its result and date.
type Investigation struct {
	Name    string `json:"name" validate:"required"`
	Result  string `json:"result" validate:"required"`
	Date    Date   `json:"date,omitzero"`
	Comment string `json:"comment,omitempty"`
}

// Condition is an item of past medical history.
type Condition struct {
	Condition string `json:"condition" validate:"required"`
	Since     string `json:"since,omitempty"`
	Note      string `json:"note,omitempty"`
}

// State says whether a list was recorded or is unknown. An empty recorded
// list means "none"; unknown never does.
type State string

// The states of a medication or allergy list.
const (
	StateRecorded State = "recorded"
	StateUnknown  State = "unknown"
)

// Medications is the current medication list with its state. A recorded
// list must have non-nil Items: an empty slice means "no current
// medication", and nil (in JSON, items missing or null) is a field error.
type Medications struct {
	State State        `json:"state" validate:"required,oneof=recorded unknown"`
	Items []Medication `json:"items,omitzero" validate:"dive"`
}

// Medication is one current medicine.
type Medication struct {
	Name  string `json:"name" validate:"required"`
	Dose  string `json:"dose,omitempty"`
	Since string `json:"since,omitempty"`
}

// Allergies is the allergy and adverse reaction list with its state. A
// recorded list must have non-nil Items: an empty slice means "no known
// drug allergies", and nil (in JSON, items missing or null) is a field
// error.
type Allergies struct {
	State State     `json:"state" validate:"required,oneof=recorded unknown"`
	Items []Allergy `json:"items,omitzero" validate:"dive"`
}

// Allergy is one allergy or adverse reaction.
type Allergy struct {
	Substance string `json:"substance" validate:"required"`
	Reaction  string `json:"reaction,omitempty"`
	Severity  string `json:"severity,omitempty"`
}

// PatientView records what the patient knows and wants. Nil answers are
// unknown, not "no".
type PatientView struct {
	Informed *bool  `json:"informed,omitempty"`
	Agrees   *bool  `json:"agrees,omitempty"`
	Concerns string `json:"concerns,omitempty"`
}

// Communication holds needs the service must meet to see the patient.
type Communication struct {
	Interpreter           *Interpreter `json:"interpreter,omitempty"`
	AccessibleInformation []string     `json:"accessibleInformation,omitempty"`
	ReasonableAdjustments []string     `json:"reasonableAdjustments,omitempty"`
	Carer                 *Carer       `json:"carer,omitempty"`
	// PatientCopyFormat is the format the patient's own copy of the
	// letter must be in (Accessible Information Standard); standard when
	// absent.
	PatientCopyFormat *PatientCopyFormat `json:"patientCopyFormat,omitempty"`
}

// PatientCopyKind is a format for the patient's copy of the letter.
type PatientCopyKind string

// The formats of the patient's copy.
const (
	CopyStandard   PatientCopyKind = "standard"
	CopyLargePrint PatientCopyKind = "large-print"
	CopyEasyRead   PatientCopyKind = "easy-read"
	CopyBraille    PatientCopyKind = "braille"
	CopyAudio      PatientCopyKind = "audio"
	CopyEmail      PatientCopyKind = "email"
	CopyOther      PatientCopyKind = "other"
)

// PatientCopyFormat is the format the patient needs their copy in.
// PointSize, from 14 to 36, is required for large print and allowed only
// for it; Detail says what "other" is, and may add to any kind.
type PatientCopyFormat struct {
	Kind      PatientCopyKind `json:"kind" validate:"required,oneof=standard large-print easy-read braille audio email other"`
	PointSize int             `json:"pointSize,omitempty"`
	Detail    string          `json:"detail,omitempty" validate:"required_if=Kind other"`
}

// Interpreter is a request for an interpreter.
type Interpreter struct {
	Language string `json:"language" validate:"required"`
	Dialect  string `json:"dialect,omitempty"`
}

// Carer is a carer or next of kin.
type Carer struct {
	Name         string `json:"name" validate:"required"`
	Relationship string `json:"relationship,omitempty"`
	Phone        string `json:"phone,omitempty" validate:"omitempty,ukphone"`
}

// Safety holds safeguarding, risk and capacity information. Each risk has
// its own field, printed under its own label, so that a risk is never
// shown as belonging to someone it does not.
type Safety struct {
	Safeguarding string `json:"safeguarding,omitempty"`
	// RiskToSelf is a risk to the patient, such as self-harm or suicide.
	RiskToSelf string `json:"riskToSelf,omitempty"`
	// RiskToOthers is a risk the patient poses to other people.
	RiskToOthers string `json:"riskToOthers,omitempty"`
	// RiskToStaff is a risk to staff who visit or see the patient: lone
	// working, home visits.
	RiskToStaff string `json:"riskToStaff,omitempty"`
	Capacity    string `json:"capacity,omitempty"`
}

// hasRisk reports whether s holds a safeguarding concern or any risk.
func (s *Safety) hasRisk() bool {
	return s != nil && strings.TrimSpace(s.Safeguarding+s.RiskToSelf+s.RiskToOthers+s.RiskToStaff) != ""
}

// AdviceAndGuidance records whether advice and guidance was considered
// before referral, and why a referral is needed instead.
type AdviceAndGuidance struct {
	Considered *bool  `json:"considered,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Attachment is an enclosure sent with the letter.
type Attachment struct {
	Title string `json:"title" validate:"required"`
	Date  Date   `json:"date,omitzero"`
}

// Copies lists who receives a copy. Patient must be stated: nil means no
// copy for the patient, and the route warns that it was not stated.
type Copies struct {
	Patient *bool `json:"patient,omitempty"`
	// Others are further recipients of a copy.
	Others []CopyRecipient `json:"others,omitempty" validate:"dive"`
}

// CopyRecipient is someone other than the patient who gets a copy.
type CopyRecipient struct {
	Name    string   `json:"name" validate:"required"`
	Address *Address `json:"address,omitempty" validate:"omitempty"`
}

// CopyToPatient reports whether the patient gets a copy: only when
// copies.patient is true.
func (r *Referral) CopyToPatient() bool {
	return r.Copies != nil && r.Copies.Patient != nil && *r.Copies.Patient
}
