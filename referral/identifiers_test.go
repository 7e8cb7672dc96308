package referral

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/internal/edits"
)

func TestNHSNumber(t *testing.T) {
	tests := []struct {
		in    string
		valid bool
		out   string
	}{
		{"9434765919", true, "943 476 5919"},
		{"4857773457", true, "485 777 3457"},
		{"9912003888", true, "991 200 3888"},
		{"9990000018", true, "999 000 0018"},
		{"9990000026", true, "999 000 0026"},
		{"999 000 0018", true, "999 000 0018"},
		{"999-000-0018", true, "999 000 0018"},
		{"9876544321", false, "987 654 4321"}, // documentation example failing the check
		{"9990000019", false, "999 000 0019"},
		{"999000001", false, "999000001"},
		{"99900000180", false, "99900000180"},
		{"99900000a8", false, "999 000 00a8"},
		{"", false, ""},
		{"9990000050", true, "999 000 0050"},  // check digit 11 means 0
		{"0000000000", false, "000 000 0000"}, // passes the check, but one digit repeated
		{"1111111111", false, "111 111 1111"},
		{"5555555555", false, "555 555 5555"},
	}
	for _, tt := range tests {
		n := ParseNHSNumber(tt.in)
		assert.Equal(t, tt.valid, n.Valid(), tt.in)
		assert.Equal(t, tt.out, n.String(), tt.in)
	}
	// A check value of 10 makes any number with those nine digits invalid.
	for d := '0'; d <= '9'; d++ {
		assert.False(t, NHSNumber("000000006"+string(d)).Valid(), "check 10 must be invalid")
	}
}

func TestIdentifiers(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) bool
		good  []string
		bad   []string
	}{
		{"GMC", ValidGMCNumber, []string{"1234567", "7012345"}, []string{"123456", "12345678", "G123456", ""}},
		{"NMC", ValidNMCPin, []string{"12A3456B", "99X9999Z"}, []string{"12a3456b", "1A23456B", "12A345B", ""}},
		{"HCPC", ValidHCPCNumber, []string{"PA123456", "PH1234"}, []string{"P123456", "pa123456", "PA123", "PA1234567"}},
		{"ODS", ValidPracticeODSCode, []string{"A81001", "B86010"}, []string{"A8100", "81001A", "RR8", "a81001"}},
		{"GMP", ValidGMPCode, []string{"G3472185"}, []string{"G3472184", "G347218", "3472185X", "G34721A5"}},
		{"postcode", ValidPostcode, []string{"LS1 4AB", "ls14ab", "M13 9PL", "SW1A 1AA", "EC1A 1BB", "GIR 0AA", " b33  8th "},
			[]string{"LS1 4CB", "QS1 4AB", "LS1", "12345", "", "LS1 4AB X"}},
		{"phone", ValidUKPhone, []string{"0113 496 0000", "07700 900123", "+44 7700 900123", "(0113) 496-0000", "+44 (0)113 496 0000"},
			[]string{"12345", "0113 496", "+1 555 0100", "phone", ""}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			assert.True(t, tt.check(s), "%s should accept %q", tt.name, s)
		}
		for _, s := range tt.bad {
			assert.False(t, tt.check(s), "%s should reject %q", tt.name, s)
		}
	}
	assert.Equal(t, "LS1 4AB", NormalizePostcode(" ls1  4ab"))
}

// TestIdentifierPatterns: the checks accept exactly what their regular
// expressions match, on good values and every value one edit away from
// them (a character changed, inserted or removed).
func TestIdentifierPatterns(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		check   func(string) bool
		norm    func(string) string // what the check matches, if not s
		seeds   []string
	}{
		{"GMC", gmcPattern, ValidGMCNumber, nil, []string{"1234567"}},
		{"NMC", nmcPattern, ValidNMCPin, nil, []string{"12A3456B"}},
		{"HCPC", hcpcPattern, ValidHCPCNumber, nil, []string{"PA1234", "PA12345", "PA123456"}},
		{"ODS", odsPracticePattern, ValidPracticeODSCode, nil, []string{"A81001"}},
		{"postcode", `^(GIR 0AA|[A-PR-UWYZ](\d[\dA-HJKSTUW]?|[A-HK-Y]\d[\dABEHMNPRVWXY]?) \d[ABD-HJLNP-UW-Z]{2})$`,
			ValidPostcode, NormalizePostcode,
			[]string{"GIR 0AA", "M1 1AA", "M60 1NW", "CR2 6XH", "DN55 1PT", "W1A 1HQ", "EC1A 1BB", "B33 8TH"}},
		{"phone", `^0\d{9,10}$`, ValidUKPhone, phoneDigits,
			[]string{"0113496000", "01134960000", "+44 113 496 0000", "+44 (0)7700 900123"}},
	}
	// Every letter, digit and mark the patterns name, and some they do not.
	alphabet := []string{" ", "-", "(", ")", "+", "a", "z", "٣", "Ａ", "\x00", "\t"}
	for c := '0'; c <= '9'; c++ {
		alphabet = append(alphabet, string(c))
	}
	for c := 'A'; c <= 'Z'; c++ {
		alphabet = append(alphabet, string(c))
	}
	for _, tt := range tests {
		re := regexp.MustCompile(tt.pattern)
		n := 0
		for _, seed := range tt.seeds {
			require.True(t, tt.check(seed), "%s: seed %q", tt.name, seed)
			near := edits.Near(seed, alphabet)
			for _, s := range append(near, seed) {
				m := s
				if tt.norm != nil {
					m = tt.norm(s)
				}
				if re.MatchString(m) {
					n++
				}
				assert.Equal(t, re.MatchString(m), tt.check(s), "%s: %q", tt.name, s)
			}
		}
		assert.Greater(t, n, 10, "%s: the edits reach other good values", tt.name)
	}
}

func TestParsePriority(t *testing.T) {
	for in, want := range map[string]Priority{
		"routine": PriorityRoutine, "ROUTINE": PriorityRoutine, "Urgent": PriorityUrgent,
		"two-week-wait": PriorityTwoWeekWait, "Two Week Wait": PriorityTwoWeekWait, " 2ww ": PriorityTwoWeekWait,
		"2WW": PriorityTwoWeekWait, "USC": PriorityTwoWeekWait, "urgent-suspected-cancer": PriorityTwoWeekWait,
		"Urgent Suspected Cancer": PriorityTwoWeekWait, "TWO_WEEK_WAIT": PriorityTwoWeekWait, "2-week-wait": PriorityTwoWeekWait,
		"soon": Priority("soon"), "": Priority(""),
	} {
		got := ParsePriority(in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, want.Valid(), got.Valid(), in)
	}
	assert.Equal(t, "TWO_WEEK_WAIT", PriorityTwoWeekWait.ERSCode())
	assert.Equal(t, "URGENT", PriorityUrgent.ERSCode())
	assert.Equal(t, "ROUTINE", PriorityRoutine.ERSCode())
	assert.Equal(t, "", Priority("soon").ERSCode())
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-11-21")
	assert.NoError(t, err)
	assert.Equal(t, "21 November 2026", d.Long())
	assert.Equal(t, "2026-11-21", d.String())
	for _, bad := range []string{"2026-02-30", "21/11/2026", "2026-1-2", "", "2026-11-21T00:00:00Z"} {
		_, err := ParseDate(bad)
		assert.Error(t, err, bad)
		if err != nil && bad != "" {
			assert.NotContains(t, err.Error(), bad)
		}
	}
	assert.False(t, NewDate(2026, 2, 30).Valid())
	assert.True(t, Date{}.IsZero())
	dob := NewDate(1961, 3, 3)
	assert.Equal(t, 65, dob.YearsTo(NewDate(2026, 11, 21)))
	assert.Equal(t, 64, dob.YearsTo(NewDate(2026, 3, 2)))
	assert.Equal(t, 65, dob.YearsTo(NewDate(2026, 3, 3)))
}

func FuzzNHSNumber(f *testing.F) {
	for _, s := range []string{"9434765919", "999 000 0018", "9876544321", "", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := ParseNHSNumber(s)
		if n.Valid() {
			if len(n) != 10 || n.String()[3] != ' ' {
				t.Fatalf("valid number with bad form")
			}
		}
		_ = ValidPostcode(s)
		_ = ValidUKPhone(s)
		_ = ValidGMPCode(s)
		_ = ParsePriority(s)
		_, _ = ParseDate(s)
		_ = NormalizePostcode(s)
	})
}

// TestDateYearOne: the first day of year 1 is a date like any other, not
// "unset" (found by FuzzCheck: an answer of 0001-01-01 was dropped).
func TestDateYearOne(t *testing.T) {
	d, err := ParseDate("0001-01-01")
	assert.NoError(t, err)
	assert.True(t, d.Valid())
	assert.False(t, d.IsZero())
	assert.Equal(t, "1 January 0001", d.Long())
	assert.Equal(t, "0001-01-01", d.String())
	r := fullReferral(t)
	r.Investigations[0].Date = d
	assert.Contains(t, composeText(t, r), "1 January 0001")
}

// FuzzNormalizePostcode: NormalizePostcode gives what it gave before it
// built its result in one pass: white space removed, upper-cased, a space
// before the last three characters of a 5 to 7-byte result.
func FuzzNormalizePostcode(f *testing.F) {
	for _, s := range []string{"ls14ab", "LS1 4AB", " l s 1 4 a b ", "gir0aa", "EH1\u00a01AA", "ab", "abcdefgh",
		"ß1 1aa", "\xff1 1aa", "\x98\x8c\xef\x9b \xaa0000", "ǆ11aa", "ı1 1aa", "ls1\u20284ab", "\u0085ls14ab", "ls1 4ab\t\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.ToUpper(strings.Join(strings.Fields(s), ""))
		if len(want) >= 5 && len(want) <= 7 {
			want = want[:len(want)-3] + " " + want[len(want)-3:]
		}
		if got := NormalizePostcode(s); got != want {
			t.Fatalf("NormalizePostcode(%q) = %q, want %q", s, got, want)
		}
	})
}
