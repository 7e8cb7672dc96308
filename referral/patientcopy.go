package referral

import (
	"errors"
	"strconv"
	"strings"
)

// Produced reports whether this library can make the copy in the format:
// standard print, large print and email (the standard PDF and plain
// text) can be; easy read, braille, audio and other formats must be
// arranged by the practice.
func (f PatientCopyFormat) Produced() bool {
	switch f.Kind {
	case CopyStandard, CopyLargePrint, CopyEmail:
		return true
	}
	return false
}

// Words describes the format in plain words: "large print (18 point)".
func (f PatientCopyFormat) Words() string {
	s := strings.ReplaceAll(string(f.Kind), "-", " ")
	if f.Kind == CopyLargePrint && f.PointSize > 0 {
		s += " (" + strconv.Itoa(f.PointSize) + " point)"
	}
	if d := strings.TrimSpace(f.Detail); d != "" {
		s += ": " + d
	}
	return s
}

// PatientCopy returns the format of the patient's copy (standard when
// none is recorded) and whether a copy is due at all.
func (r *Referral) PatientCopy() (f PatientCopyFormat, due bool) {
	f = PatientCopyFormat{Kind: CopyStandard}
	if c := r.Communication; c != nil && c.PatientCopyFormat != nil {
		f = *c.PatientCopyFormat
	}
	return f, r.CopyToPatient()
}

// ErrNoPatientCopy is returned by Compose with ForPatient for a referral
// that gives the patient no copy.
var ErrNoPatientCopy = errors.New("referral: the referral gives the patient no copy")

// RulePointSize is the rule of a large-print point size: from 14 to 36,
// and given only for large print.
const RulePointSize = "point-size"

// WarnPatientFormat warns that the patient's copy is due in a format this
// library cannot produce (easy read, braille, audio, other): the practice
// must arrange it.
const WarnPatientFormat = "patient-format-not-produced"

func checkPatientCopy(c *Communication, add func(path, rule, msg string)) {
	if c == nil || c.PatientCopyFormat == nil {
		return
	}
	const path = "communication.patientCopyFormat.pointSize"
	f := c.PatientCopyFormat
	switch {
	case f.Kind == CopyLargePrint && (f.PointSize < 14 || f.PointSize > 36):
		add(path, RulePointSize, "must be from 14 to 36 for large print")
	case f.Kind != CopyLargePrint && f.PointSize != 0:
		add(path, RulePointSize, "is only for large print")
	}
}

// patientFormatWarnings warns when the patient's copy is due in a format
// the library cannot produce. The warning names the kind, one of a fixed
// set, never the free-text detail.
func patientFormatWarnings(r *Referral) []Warning {
	f, due := r.PatientCopy()
	if !due || f.Produced() || !f.Kind.valid() {
		return nil
	}
	return []Warning{{Code: WarnPatientFormat, Path: "communication.patientCopyFormat.kind",
		Message: "the patient's copy is needed in " + strings.ReplaceAll(string(f.Kind), "-", " ") +
			", which refletter cannot produce: the practice must arrange it"}}
}

func (k PatientCopyKind) valid() bool {
	switch k {
	case CopyStandard, CopyLargePrint, CopyEasyRead, CopyBraille, CopyAudio, CopyEmail, CopyOther:
		return true
	}
	return false
}
