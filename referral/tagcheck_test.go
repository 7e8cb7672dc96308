package referral

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validatorPasses reports whether the validator finds no fault in v.
func validatorPasses(v any) bool { return fieldValidator().Struct(v) == nil }

// TestTagPlansKnowTheForms: the quick check reads every tag of the
// referral and the returned-referral forms; without that, it would send
// every document to the validator.
func TestTagPlansKnowTheForms(t *testing.T) {
	assert.NotNil(t, tagPlanOf(reflect.TypeFor[Referral]()))
	assert.NotNil(t, tagPlanOf(reflect.TypeFor[Returned]()))
}

// TestTagsHoldLeavesTheUnknownToTheValidator: a tag, a kind of field or an
// email address the check does not read is never taken as passing.
func TestTagsHoldLeavesTheUnknownToTheValidator(t *testing.T) {
	type inner struct {
		A string `validate:"required"`
	}
	type embedded struct {
		B string `validate:"required"`
	}
	tests := []struct {
		name string
		v    any
	}{
		{"unknown tag", &struct {
			A string `validate:"max=3"`
		}{A: "abcd"}},
		{"or-tag", &struct {
			A string `validate:"gmc|hcpc"`
		}{A: "x"}},
		{"tagged struct", &struct {
			In inner `validate:"required"`
		}{}},
		{"interface", &struct{ In any }{In: &inner{}}},
		{"embedded", &struct{ embedded }{}},
		{"dive into pointers", &struct {
			In []*inner `validate:"dive"`
		}{In: []*inner{{}}}},
		{"omitempty list", &struct {
			L []string `validate:"omitempty,min=2"`
		}{L: []string{"a"}}},
		{"tagged int", &struct {
			N int `validate:"min=3"`
		}{N: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.False(t, tagsHold(reflect.ValueOf(tt.v).Elem()))
			assert.False(t, validatorPasses(tt.v), "the probe should fail the validator")
		})
	}

	r := fullReferral(t)
	r.Patient.Email = "shiv@[192.0.2.1]" // the validator's to judge
	assert.False(t, tagsHold(reflect.ValueOf(r).Elem()))
}

// TestTagsHoldOnTestData: for every referral and returned referral of the
// test data, valid or not, the quick check passes only what the validator
// passes, and it passes every valid one, so that they skip the validator.
func TestTagsHoldOnTestData(t *testing.T) {
	for _, p := range append(testdataFiles(t, "referrals/*.json"), testdataFiles(t, "invalid/*.json")...) {
		r, err := Decode(bytes.NewReader(mustRead(t, p)))
		if err != nil {
			continue
		}
		holds, passes := tagsHold(reflect.ValueOf(r).Elem()), validatorPasses(r)
		if holds {
			assert.True(t, passes, p)
		}
		if strings.Contains(p, "/referrals/") {
			assert.True(t, holds, p)
		}
	}
	for _, p := range testdataFiles(t, "returned/*.json") {
		ret, err := DecodeReturned(bytes.NewReader(mustRead(t, p)))
		require.NoError(t, err, p)
		assert.True(t, tagsHold(reflect.ValueOf(ret).Elem()), p)
		assert.True(t, validatorPasses(ret), p)
	}
}

// formLeaves lists the strings, lists and pointers of a referral, the
// values FuzzTagsHold changes, with their Go paths.
func formLeaves(v reflect.Value, path string, out *[]reflect.Value, paths *[]string) {
	switch v.Kind() {
	case reflect.Pointer:
		*out, *paths = append(*out, v), append(*paths, path)
		if !v.IsNil() {
			formLeaves(v.Elem(), path, out, paths)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				formLeaves(v.Field(i), path+"."+f.Name, out, paths)
			}
		}
	case reflect.Slice:
		*out, *paths = append(*out, v), append(*paths, path)
		for i := 0; i < v.Len(); i++ {
			formLeaves(v.Index(i), pathIndex(path, i), out, paths)
		}
	case reflect.String:
		*out, *paths = append(*out, v), append(*paths, path)
	}
}

// FuzzTagsHold sets two values of a full referral (a string to any text;
// a list to nil, empty or one zero item; a pointer to nil or a zero
// struct): whenever the quick check passes the referral, the validator
// does too. And where no email is beyond the plain form, the check passes
// whatever the validator passes, so it is no stricter than it must be.
func FuzzTagsHold(f *testing.F) {
	// Seeds: each value emptied, set to "x" and to a form word, and each
	// list and pointer changed each way; "other" with its detail empty.
	var leaves []reflect.Value
	var paths []string
	formLeaves(reflect.ValueOf(fullReferral(f)).Elem(), "", &leaves, &paths)
	at := map[string]uint16{}
	for k, p := range paths {
		at[p] = uint16(k)
		for m, s := range []string{"", "x", "other", "wales", "recorded", "unknown"} {
			f.Add(uint16(k), s, uint16(k), s, byte(m))
		}
	}
	f.Add(at[".Request.Kind"], "other", at[".Request.Detail"], "", byte(0))
	f.Add(at[".Request.Kind"], "other", at[".Request.Detail"], " ", byte(0))
	f.Add(at[".Medications.State"], "unknown", at[".Medications.Items"], "", byte(0))
	f.Add(at[".Communication.PatientCopyFormat"], "", at[".Patient.Email"], "a@b.co", byte(1))
	f.Fuzz(func(t *testing.T, k1 uint16, s1 string, k2 uint16, s2 string, mode byte) {
		r := fullReferral(t)
		var leaves []reflect.Value
		formLeaves(reflect.ValueOf(r).Elem(), "", &leaves, new([]string))
		set := func(v reflect.Value, s string) {
			switch v.Kind() {
			case reflect.String:
				v.SetString(s)
			case reflect.Slice:
				switch mode % 3 {
				case 0:
					v.SetZero()
				case 1:
					v.Set(reflect.MakeSlice(v.Type(), 0, 0))
				default:
					v.Set(reflect.MakeSlice(v.Type(), 1, 1))
				}
			case reflect.Pointer:
				if mode%2 == 0 {
					v.SetZero()
				} else {
					v.Set(reflect.New(v.Type().Elem()))
				}
			}
		}
		// Set the later leaf first: setting one may drop the other.
		i, j := int(k1)%len(leaves), int(k2)%len(leaves)
		if i > j {
			i, j, s1, s2 = j, i, s2, s1
		}
		set(leaves[j], s2)
		set(leaves[i], s1)

		holds, passes := tagsHold(reflect.ValueOf(r).Elem()), validatorPasses(r)
		if holds && !passes {
			t.Fatalf("the quick check passes what the validator refuses: %v", fieldValidator().Struct(r))
		}
		plain := true
		for _, e := range []string{r.Referrer.Email, r.Practice.Email, r.Patient.Email} {
			plain = plain && (e == "" || plainEmail(e))
		}
		if passes && plain && !holds {
			t.Fatal("the quick check refuses what the validator passes")
		}
	})
}

// FuzzPlainEmail: every address plainEmail takes, the validator takes.
func FuzzPlainEmail(f *testing.F) {
	for _, s := range []string{"shiv@example.com", "a.b+c_d-e@nhs.net", "x@y.z", "a..b@c.de", ".a@b.cd",
		"a@-b.cd", "a@b-.cd", "a@b.c1", "a@b.cd.", "a@@b.cd", "ü@b.cd", "a@b", "@b.cd", "a@.cd", "A@B.CD",
		"a b@c.de", "\"a\"@b.cd", "a@b_c.de", "1@2.de", "a@b.-d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if plainEmail(s) && fieldValidator().Var(s, "email") != nil {
			t.Fatal("plainEmail takes an address the validator refuses")
		}
	})
}

// TestPlainEmail: the plain form, and what is left to the validator.
func TestPlainEmail(t *testing.T) {
	for s, want := range map[string]bool{
		"shiv@example.com": true, "hannah.okafor@nhs.net": true, "a.b+c_d-e@x-y.co.uk": true, "A@B.CD": true,
		"x@y.z": false, "a..b@c.de": false, ".a@b.cd": false, "a.@b.cd": false, "a@-b.cd": false, "a@b-.cd": false,
		"a@b.c1": false, "a@b.cd.": false, "a@@b.cd": false, "ü@b.cd": false, "a@b": false, "@b.cd": false,
		"a@.cd": false, "a b@c.de": false, "": false, "a@b..cd": false,
	} {
		assert.Equal(t, want, plainEmail(s), s)
		if want {
			assert.NoError(t, fieldValidator().Var(s, "email"), s)
		}
	}
}
