package gpconnect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/refletter/refletter/referral"
)

// mapInvestigations turns Observations into investigations: first each
// DiagnosticReport's results, named under the report (and the test group,
// such as a full blood count), then every other Observation with a result.
func (rd *reader) mapInvestigations() error {
	done := map[*res]bool{}
	seen := map[string]bool{}
	for _, x := range rd.all {
		if x.ref.Type != "DiagnosticReport" || x.foreign || rd.again(seen, x) {
			continue
		}
		x.used = true
		r := as[diagnosticReport](x)
		if invalidResult(r.Status) {
			rd.unplaced(x.ref, "", "a report "+r.Status+": not placed")
			for _, ref := range r.Result {
				if o := rd.resolve(x, ref.Reference); o != nil && o.ref.Type == "Observation" {
					rd.discard(o, done, "a result of a report "+r.Status+": not placed")
				}
			}
			continue
		}
		name := conceptText(r.Code)
		if r.Status == "registered" || r.Status == "partial" || r.Status == "preliminary" {
			rd.prelim[x.ref] = true
		}
		date := firstDate(r.EffectiveDateTime, r.Issued)
		n := 0
		for i, ref := range r.Result {
			o := rd.resolve(x, ref.Reference)
			if o == nil {
				rd.warn(WarnMissingReference, "investigations", x, "a report's result is not in the bundle")
				continue
			}
			if o.ref.Type != "Observation" {
				return rd.entryErr(x, ErrWrongType, fmt.Sprintf("result %d is %s, not an Observation", i, article(typeName(o.ref.Type))))
			}
			n += rd.observation(o, []string{name}, date, []Ref{x.ref}, done)
		}
		if c := strings.TrimSpace(r.Conclusion); c != "" && name != "" && rd.roomForResult(x) {
			rd.source(fmt.Sprintf("investigations[%d]", len(rd.draft.Investigations)), x.ref)
			rd.draft.Investigations = append(rd.draft.Investigations,
				referral.Investigation{Name: name, Result: c, Date: date, Comment: "the report's conclusion"})
			n++
		}
		if n == 0 {
			rd.unplaced(x.ref, "", "a report with no result the referral can carry")
		}
	}
	// Groups first, so that their members are named under them; then any
	// member no group claimed.
	for _, x := range rd.all {
		if x.ref.Type == "Observation" && !x.foreign && !done[x] && !rd.isMember(x) {
			rd.observation(x, nil, referral.Date{}, nil, done)
		}
	}
	for _, x := range rd.all {
		if x.ref.Type == "Observation" && !x.foreign && !done[x] {
			rd.observation(x, nil, referral.Date{}, nil, done)
		}
	}
	var from []Ref
	for _, l := range rd.resultLists {
		rd.listWarnings("investigations", l)
		from = append(from, l.x.ref)
	}
	if len(from) > 0 {
		rd.source("investigations", from...)
	}
	return nil
}

// discard marks an Observation of a report that must not be used, and the
// members of its test group, as not placed.
func (rd *reader) discard(x *res, done map[*res]bool, why string) {
	if done[x] || x.foreign {
		return
	}
	done[x] = true
	x.used = true
	rd.unplaced(x.ref, "", why)
	for _, r := range as[observation](x).Related {
		if m := rd.resolve(x, r.Target.Reference); r.Type == "has-member" && m != nil && m.ref.Type == "Observation" {
			rd.discard(m, done, why)
		}
	}
}

// maxGroupDepth is how deep test groups are followed; real ones are a
// report, a group and its results.
const maxGroupDepth = 8

// isMember reports whether an Observation is a member of a test group,
// and so is read with the group.
func (rd *reader) isMember(x *res) bool {
	for _, r := range as[observation](x).Related {
		if r.Type == "derived-from" {
			if g := rd.resolve(x, r.Target.Reference); g != nil && g.ref.Type == "Observation" {
				return true
			}
		}
	}
	return false
}

// observation adds an Observation, or the members of a test group, as
// investigations, and returns how many it added.
//
// under names the report and groups it is part of; parents are their
// resources, named as sources with it.
func (rd *reader) observation(x *res, under []string, reportDate referral.Date, parents []Ref, done map[*res]bool) int {
	if done[x] || x.foreign {
		return 0
	}
	done[x] = true
	if rd.again(rd.seenObs, x) {
		return 0
	}
	x.used = true
	o := as[observation](x)
	if invalidResult(o.Status) {
		rd.unplaced(x.ref, "", "a result "+o.Status+": not placed")
		return 0
	}
	name := conceptText(o.Code)
	var members []*res
	for _, r := range o.Related {
		if r.Type != "has-member" || len(parents) >= maxGroupDepth {
			continue // a group too deep: its members are placed on their own
		}
		if m := rd.resolve(x, r.Target.Reference); m != nil && m.ref.Type == "Observation" {
			members = append(members, m)
		} else {
			rd.warn(WarnMissingReference, "investigations", x, "a test group's member is not in the bundle")
		}
	}
	result := resultText(o)
	if len(members) > 0 {
		n := 0
		group := append(append([]string{}, under...), name)
		for _, m := range members {
			n += rd.observation(m, group, reportDate, append([]Ref{x.ref}, parents...), done)
		}
		if result == "" {
			return n
		}
	}
	if result == "" || name == "" {
		rd.unplaced(x.ref, "", "an observation with no name or result")
		return 0
	}
	if !rd.roomForResult(x) {
		return 0
	}
	inv := referral.Investigation{Name: name, Result: result}
	raw := o.EffectiveDateTime
	if raw == "" && o.EffectivePeriod != nil {
		raw = o.EffectivePeriod.Start
	}
	if raw == "" {
		raw = o.Issued
	}
	var comment []string
	if o.Status == "preliminary" || o.Status == "registered" || slices.ContainsFunc(parents, func(p Ref) bool { return rd.prelim[p] }) {
		comment = append(comment, "preliminary result")
		rd.warn(WarnPreliminary, "investigations", x, "a result is preliminary, not final: check the record")
	}
	if d, ok := dateOf(raw); ok {
		inv.Date = d
	} else if raw != "" {
		comment = append(comment, "dated "+dateWords(raw))
	} else {
		inv.Date = reportDate
	}
	if len(under) > 0 {
		comment = append(comment, "part of "+strings.Join(nonEmpty(under), ", "))
	}
	if c := strings.TrimSpace(o.Comment); c != "" {
		comment = append(comment, c)
	}
	inv.Comment = strings.Join(comment, "; ")
	from := append([]Ref{x.ref}, parents...)
	rd.source(fmt.Sprintf("investigations[%d]", len(rd.draft.Investigations)), from...)
	rd.draft.Investigations = append(rd.draft.Investigations, inv)
	return 1
}

func nonEmpty(s []string) []string {
	var out []string
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func firstDate(ss ...string) referral.Date {
	for _, s := range ss {
		if d, ok := dateOf(s); ok {
			return d
		}
	}
	return referral.Date{}
}

// resultText is an Observation's value with its unit, components,
// interpretation and reference range.
func resultText(o *observation) string {
	var parts []string
	if v := valueText(o.value); v != "" {
		parts = append(parts, v)
	}
	for _, c := range o.Component {
		if v := valueText(c.value); v != "" {
			parts = append(parts, conceptText(c.Code)+" "+v)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts, ", ")
	if o.Interpretation != nil {
		if i := conceptText(*o.Interpretation); i != "" {
			s += " (" + i + ")"
		}
	}
	var ranges []string
	for _, r := range o.ReferenceRange {
		lo, hi := quantityText(r.Low), quantityText(r.High)
		switch {
		case lo != "" && hi != "":
			ranges = append(ranges, lo+" to "+hi)
		case lo != "":
			ranges = append(ranges, "at least "+lo)
		case hi != "":
			ranges = append(ranges, "up to "+hi)
		}
		if t := clean(r.Text); t != "" {
			ranges = append(ranges, t)
		}
	}
	if len(ranges) > 0 {
		s += "; reference range " + strings.Join(ranges, "; ")
	}
	return s
}

func valueText(v value) string {
	switch {
	case v.ValueQuantity != nil:
		return quantityText(v.ValueQuantity)
	case strings.TrimSpace(v.ValueString) != "":
		return strings.TrimSpace(v.ValueString)
	case v.ValueCodeableConcept != nil:
		return conceptText(*v.ValueCodeableConcept)
	case v.ValueBoolean != nil && *v.ValueBoolean:
		return "Yes"
	case v.ValueBoolean != nil:
		return "No"
	case v.ValueRange != nil:
		lo, hi := quantityText(v.ValueRange.Low), quantityText(v.ValueRange.High)
		switch {
		case lo != "" && hi != "":
			return lo + " to " + hi
		case lo != "":
			return "at least " + lo
		case hi != "":
			return "up to " + hi
		}
	case v.ValueRatio != nil:
		n, d := quantityText(v.ValueRatio.Numerator), quantityText(v.ValueRatio.Denominator)
		if n != "" && d != "" {
			return n + " / " + d
		}
	case strings.TrimSpace(v.ValueDateTime) != "":
		return dateWords(v.ValueDateTime)
	case strings.TrimSpace(v.ValueTime) != "":
		return clean(v.ValueTime)
	case v.ValuePeriod != nil:
		var s []string
		if d := dateWords(v.ValuePeriod.Start); d != "" {
			s = append(s, "from "+d)
		}
		if d := dateWords(v.ValuePeriod.End); d != "" {
			s = append(s, "to "+d)
		}
		return strings.Join(s, " ")
	}
	return ""
}

func quantityText(q *quantity) string {
	if q == nil || q.Value == "" {
		return ""
	}
	s := clean(q.Comparator) + q.Value.String()
	unit := clean(q.Unit)
	if unit == "" {
		unit = clean(q.Code)
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}

// invalidResult reports whether a status says a result must not be used.
func invalidResult(status string) bool {
	return status == "entered-in-error" || status == "cancelled"
}

// roomForResult reports whether the investigations have room for one more;
// when they have not, x is listed as not placed.
func (rd *reader) roomForResult(x *res) bool {
	if len(rd.draft.Investigations) < referral.MaxListItems {
		return true
	}
	rd.unplaced(x.ref, "", "more results than a referral list holds")
	rd.warn(WarnTooMany, "investigations", x, "more results than a referral holds: choose the relevant ones by hand")
	return false
}
