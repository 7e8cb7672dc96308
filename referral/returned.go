package referral

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
)

// Returned says that a referral came back to the practice unaccepted, and
// why, in the provider's words. ComposeReply answers it. Its JSON form is
//
//	{"date", "by", "reason", "reference", "ubrn", "address", "copies": {"commissioner", "lmc"}}
type Returned struct {
	// Date is when the referral came back. Required.
	Date Date `json:"date,omitzero"`
	// By is the service that returned it. Required.
	By string `json:"by" validate:"required"`
	// Address is the returning service's postal address. When it is not
	// given, the reply is addressed to By alone, or, when By names the
	// service the referral went to, to that service's organisation and
	// address as the referral gives them.
	Address *Address `json:"address,omitempty" validate:"omitempty"`
	// Reason is the reason given for returning the referral, in the
	// provider's words; it is printed as given. Required.
	Reason string `json:"reason" validate:"required"`
	// Reference is the provider's own reference.
	Reference string `json:"reference,omitempty"`
	// UBRN is the e-Referral's Unique Booking Reference Number: 12 digits,
	// spaces or hyphens allowed.
	UBRN UBRN `json:"ubrn,omitempty"`
	// Copies are further recipients of the reply.
	Copies *ReplyCopies `json:"copies,omitempty"`
}

// ReplyCopies are the usual further recipients of a reply to a returned
// referral: the commissioner and the Local Medical Committee.
type ReplyCopies struct {
	// Commissioner is the integrated care board (ICB) that commissions
	// the service.
	Commissioner *CopyRecipient `json:"commissioner,omitempty"`
	// LMC is the practice's Local Medical Committee.
	LMC *CopyRecipient `json:"lmc,omitempty"`
}

// Rules that a Returned's date can break, as FieldError.Rule names them.
const (
	// RuleDateFuture: the date is after today.
	RuleDateFuture = "date-future"
	// RuleDateOrder: the referral came back before it was made.
	RuleDateOrder = "date-order"
)

// DecodeReturned reads one Returned document in its JSON form, as strictly
// as Decode reads a referral: malformed JSON, unknown or repeated fields,
// wrong JSON types, invalid UTF-8 and trailing data are FieldErrors naming
// the JSON path and never a value; a document over 1 MiB is an error
// wrapping ErrTooLarge. DecodeReturned does not validate: call Validate.
func DecodeReturned(r io.Reader) (*Returned, error) {
	data, err := readDocument(r)
	if err != nil {
		return nil, err
	}
	var ret Returned
	if errs := decodeInto(data, reflect.ValueOf(&ret).Elem(), "returned-referral"); len(errs) > 0 {
		// The shape checker speaks of the referral form; say which form.
		for i, e := range errs {
			switch e.Rule {
			case RuleTrailingData:
				errs[i].Message = "there is data after the returned-referral document"
			}
		}
		return nil, errs
	}
	return &ret, nil
}

// Validate checks ret as Referral.Validate checks a referral: required
// fields, dates, the UBRN, addresses, and the limits on text and lists. It
// returns FieldErrors listing every failing field, by JSON path, or nil.
// Messages never hold a field's value. The date may not be after today.
func (ret *Returned) Validate() error {
	return ret.validateAt(time.Now())
}

func (ret *Returned) validateAt(now time.Time) error {
	if ret == nil {
		return FieldErrors{{Rule: RuleRequired, Message: "no returned-referral document given"}}
	}
	var errs FieldErrors
	add := func(path, rule, msg string) {
		errs = append(errs, FieldError{Path: path, Rule: rule, Message: msg})
	}
	w := walker{add: add, path: make([]byte, 0, 64)}
	w.walk(reflect.ValueOf(ret).Elem(), fieldInfo{})
	if !tagsHold(reflect.ValueOf(ret).Elem()) {
		if err := fieldValidator().Struct(ret); err != nil {
			var ves validator.ValidationErrors
			if !errors.As(err, &ves) {
				return err
			}
			for _, fe := range ves {
				rule, msg := describe(fe)
				add(strings.TrimPrefix(fe.Namespace(), "Returned."), rule, msg)
			}
		}
	}
	switch d := ret.Date; {
	case d.IsZero():
		add("date", RuleRequired, "is required")
	case !d.Valid():
		add("date", RuleDate, "is not a real date in YYYY-MM-DD form")
	case DateOf(now).Before(d):
		add("date", RuleDateFuture, "is after today")
	}
	if ret.UBRN != "" && !ret.UBRN.Valid() {
		add("ubrn", RuleUBRN, "must be a 12-digit UBRN")
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
