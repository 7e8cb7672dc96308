package ers

import (
	"errors"
	"fmt"

	"github.com/refletter/refletter/referral"
)

// ErrNotEngland is wrapped by the error SearchFor, CreateFor and their
// ForReferral forms return for a practice outside England: the NHS
// e-Referral Service is England's, and Wales, Scotland and Northern Ireland
// have their own referral routes.
var ErrNotEngland = errors.New("ers: the practice is not in England, where e-RS does not apply")

// source is what a search or a create takes from a handoff or a referral.
type source struct {
	nhs      referral.NHSNumber
	postcode string
	priority Priority
	service  string // the eRS service id the referral names, if any
}

func notEngland(n referral.Nation) error {
	return fmt.Errorf("%w: the practice is in %s; refer by its own route", ErrNotEngland, n.Name())
}

func fromHandoff(h *referral.Handoff) (source, error) {
	if h == nil {
		return source{}, fmt.Errorf("%w: no handoff given", ErrInvalidRequest)
	}
	n := h.Nation
	if n == "" {
		n, _ = h.Practice.EffectiveNation()
	}
	if n != referral.NationEngland {
		return source{}, notEngland(n)
	}
	return source{nhs: h.Patient.NHSNumber, postcode: h.Patient.Address.Postcode,
		priority: PriorityTwoWeekWait, service: h.Recipient.ERSServiceID}, nil
}

func fromReferral(r *referral.Referral) (source, error) {
	if r == nil {
		return source{}, fmt.Errorf("%w: no referral given", ErrInvalidRequest)
	}
	if n, _ := r.Practice.EffectiveNation(); n != referral.NationEngland {
		return source{}, notEngland(n)
	}
	p := Priority(r.Priority.ERSCode())
	// A two-week-wait case by any of its signs (a suspected-cancer service
	// too) is TWO_WEEK_WAIT, never a routine referral.
	if referral.Decide(r).Path == referral.PathERS {
		p = PriorityTwoWeekWait
	}
	return source{nhs: r.Patient.NHSNumber, postcode: r.Patient.Address.Postcode,
		priority: p, service: r.Recipient.ERSServiceID}, nil
}

// criteria returns c with the source's priority, and its postcode where c
// has none.
func (s source) criteria(c Criteria) Criteria {
	c.Priority = s.priority
	if c.Postcode == "" {
		c.Postcode = s.postcode
	}
	return c
}
