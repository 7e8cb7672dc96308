package ers

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/refletter/refletter/referral"
)

// The eRS code systems this package reads (A004). Others may be given by
// their id, such as "REFERRAL-CANCELLATION-REASON".
const (
	CodeSystemPriority   = "PRIORITY"
	CodeSystemSpecialty  = "SPECIALTY"
	CodeSystemClinicType = "CLINIC-TYPE"
)

// CodeSystem is an eRS code system read with A004: the specialty and clinic
// type codes a search and a shortlist use are looked up here, never
// hard-coded.
type CodeSystem struct {
	// ID is the code system's id, such as SPECIALTY.
	ID string
	// URL is the code system's canonical URL: the system of its codings.
	URL      string
	Name     string
	Concepts []Concept
}

// Concept is one code of a code system.
type Concept struct {
	Code    string
	Display string
	// EffectiveFrom and EffectiveTo bound when the code may be used; zero
	// when eRS gives no bound.
	EffectiveFrom time.Time
	EffectiveTo   time.Time
	// Specialty is, for a clinic type, the code of its specialty.
	Specialty string
}

// ActiveAt reports whether c may be used at t.
func (c Concept) ActiveAt(t time.Time) bool {
	if !c.EffectiveFrom.IsZero() && t.Before(c.EffectiveFrom) {
		return false
	}
	return c.EffectiveTo.IsZero() || t.Before(c.EffectiveTo)
}

// Coding returns c as a coding of cs, ready for Criteria.
func (cs *CodeSystem) Coding(c Concept) *referral.Coding {
	return &referral.Coding{System: cs.URL, Code: c.Code, Display: c.Display}
}

// Lookup returns the concept with the code.
func (cs *CodeSystem) Lookup(code string) (Concept, bool) {
	for _, c := range cs.Concepts {
		if c.Code == code {
			return c, true
		}
	}
	return Concept{}, false
}

// Find returns the one concept whose display text is display, ignoring case
// and surrounding space. It fails with ErrNoConcept or ErrAmbiguousConcept;
// narrow an ambiguous search with ActiveAt or ForSpecialty first.
func (cs *CodeSystem) Find(display string) (Concept, error) {
	want := strings.TrimSpace(display)
	var found []Concept
	for _, c := range cs.Concepts {
		if strings.EqualFold(strings.TrimSpace(c.Display), want) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return Concept{}, fmt.Errorf("%w in code system %s", ErrNoConcept, cs.ID)
	case 1:
		return found[0], nil
	}
	return Concept{}, fmt.Errorf("%w in code system %s", ErrAmbiguousConcept, cs.ID)
}

// ActiveAt returns a copy of cs holding only the concepts that may be used
// at t.
func (cs *CodeSystem) ActiveAt(t time.Time) *CodeSystem {
	return cs.filter(func(c Concept) bool { return c.ActiveAt(t) })
}

// ForSpecialty returns a copy of cs holding only the concepts of the
// specialty code: for clinic types.
func (cs *CodeSystem) ForSpecialty(code string) *CodeSystem {
	return cs.filter(func(c Concept) bool { return c.Specialty == code })
}

func (cs *CodeSystem) filter(keep func(Concept) bool) *CodeSystem {
	out := *cs
	out.Concepts = nil
	for _, c := range cs.Concepts {
		if keep(c) {
			out.Concepts = append(out.Concepts, c)
		}
	}
	return &out
}

// parseCodeSystem reads the CodeSystem an A004 answers with.
func parseCodeSystem(b []byte) (*CodeSystem, error) {
	var raw struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
		URL          string `json:"url"`
		Name         string `json:"name"`
		Concept      []struct {
			Code     string `json:"code"`
			Display  string `json:"display"`
			Property []struct {
				Code          string  `json:"code"`
				ValueDateTime string  `json:"valueDateTime"`
				ValueCoding   *coding `json:"valueCoding"`
			} `json:"property"`
		} `json:"concept"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%w: code system is not valid JSON", ErrBadResponse)
	}
	if raw.ResourceType != "CodeSystem" {
		return nil, fmt.Errorf("%w: answer is not a CodeSystem", ErrBadResponse)
	}
	cs := &CodeSystem{ID: raw.ID, URL: raw.URL, Name: raw.Name, Concepts: make([]Concept, 0, len(raw.Concept))}
	for i, rc := range raw.Concept {
		if rc.Code == "" {
			return nil, fmt.Errorf("%w: concept %d has no code", ErrBadResponse, i)
		}
		c := Concept{Code: rc.Code, Display: rc.Display}
		for _, p := range rc.Property {
			switch p.Code {
			case "effectiveFrom", "effectiveTo":
				t, err := time.Parse(time.RFC3339Nano, p.ValueDateTime)
				if err != nil {
					return nil, fmt.Errorf("%w: concept %d has an unreadable %s", ErrBadResponse, i, p.Code)
				}
				if p.Code == "effectiveFrom" {
					c.EffectiveFrom = t
				} else {
					c.EffectiveTo = t
				}
			case "specialty":
				if p.ValueCoding != nil {
					c.Specialty = p.ValueCoding.Code
				}
			}
		}
		cs.Concepts = append(cs.Concepts, c)
	}
	return cs, nil
}
