// Package lettergen makes a deterministic stream of varied referrals, as
// JSON, for benchmarks: patients with Polish, Turkish, Greek, Cyrillic,
// Vietnamese and Welsh names, letters of two to seven pages. The data is
// fictional: NHS numbers are from the 999 range and phone numbers from
// Ofcom's drama ranges.
package lettergen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// name is a patient's given and family name.
type name struct{ given, family string }

// names are by language; most need characters beyond Latin-1.
var names = [][]name{
	{{"Małgorzata", "Wiśniewska"}, {"Krzysztof", "Wójcik"}, {"Grzegorz", "Żółkiewski"}, {"Agnieszka", "Kołodziej"}, {"Łukasz", "Dąbrowski"}},
	{{"Şükrü", "Öztürk"}, {"Ayşe", "Yılmaz"}, {"Çağla", "Güneş"}, {"İsmail", "Doğan"}, {"Gülşen", "Kılıç"}},
	{{"Γιώργος", "Παπαδόπουλος"}, {"Ελένη", "Κωνσταντίνου"}, {"Δημήτρης", "Οικονόμου"}, {"Σοφία", "Αλεξίου"}},
	{{"Наталья", "Кузнецова"}, {"Дмитрий", "Соколов"}, {"Олександр", "Шевченко"}, {"Юлія", "Коваленко"}},
	{{"Hương", "Nguyễn Thị"}, {"Đức", "Trần Văn"}, {"Tuấn", "Phạm Minh"}, {"Ngọc Ánh", "Lê Thị"}},
	{{"Siân", "Prŷs"}, {"Gwenllïan", "ap Dafydd"}, {"Siôn", "Llŵyd"}, {"Eluned", "Gwŷn"}, {"Rhodri", "Môn"}},
}

// sentences build the clinical history; more of them make longer letters.
var sentences = []string{
	"Intermittent crampy lower abdominal pain, relieved by opening the bowels, for eighteen months.",
	"Bloating most afternoons, with alternating constipation and loose stools.",
	"No weight loss, rectal bleeding, nocturnal symptoms or family history of bowel disease.",
	"Symptoms are affecting work and sleep, and a diary kept for six weeks shows no clear dietary trigger.",
	"Tried soluble fibre, mebeverine and peppermint oil in turn, each for at least eight weeks, with little benefit.",
	"Low-dose amitriptyline at night helped the pain but was stopped after three months because of drowsiness.",
	"Reviewed by the practice pharmacist, who found no interacting medicines.",
	"Attended the emergency department once in the summer with pain; examination and bloods there were normal.",
}

// Stream returns n referrals as JSON, the same n for the same seed.
func Stream(n int, seed uint64) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([][]byte, n)
	for i := range out {
		out[i] = One(rng, i)
	}
	return out
}

// One returns the referral numbered i, drawn from rng.
func One(rng *rand.Rand, i int) []byte {
	lang := names[rng.IntN(len(names))]
	p := lang[rng.IntN(len(lang))]
	// From two to seven pages: the history and the investigations grow.
	size := rng.IntN(6)
	var hist []string
	for k := range size*30 + rng.IntN(4) {
		hist = append(hist, sentences[(k+i)%len(sentences)])
	}
	var inv []map[string]any
	for k := range 2 + size*9 {
		inv = append(inv, map[string]any{
			"name":   []string{"Faecal calprotectin", "Full blood count", "Coeliac serology (tTG IgA)", "Ferritin", "CRP"}[k%5],
			"result": strconv.Itoa(10+rng.IntN(90)) + " µg/g, within the reference range for " + p.given + " " + p.family,
			"date":   fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(10), 1+rng.IntN(28)),
		})
	}
	ref := map[string]any{
		"date":     "2026-11-03",
		"priority": []string{"routine", "urgent"}[rng.IntN(2)],
		"referrer": map[string]any{
			"name": "Dr Fatima Chowdhury", "role": "GP Partner", "gmcNumber": "6098812", "phone": "020 7946 0922",
		},
		"practice": map[string]any{
			"name": "Mile End Road Group Practice", "odsCode": "F84062", "phone": "020 7946 0921",
			"address": map[string]any{"lines": []string{"402 Mile End Road"}, "town": "London", "postcode": "E1 4PB"},
		},
		"recipient": map[string]any{
			"service": "Gastroenterology Outpatients", "specialty": "Gastroenterology", "organisation": "Barts Health NHS Trust",
		},
		"patient": map[string]any{
			"givenName":   p.given,
			"familyName":  p.family,
			"dateOfBirth": fmt.Sprintf("19%02d-%02d-%02d", 40+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28)),
			"nhsNumber":   nhsNumber(i),
			"address": map[string]any{
				"lines": []string{"Flat " + strconv.Itoa(1+rng.IntN(40)) + ", " + strconv.Itoa(1+rng.IntN(200)) + " Antill Road"},
				"town":  "London", "postcode": "E3 5BP",
			},
			"phones": []map[string]any{{"kind": "mobile", "number": fmt.Sprintf("07700 900%03d", rng.IntN(1000))}},
		},
		"reason":          "Abdominal pain and alternating bowel habit, not settling with first- and second-line treatment for irritable bowel syndrome.",
		"request":         map[string]any{"kind": "advice", "detail": "Confirmation of the diagnosis and advice on further treatment."},
		"history":         p.given + " " + p.family + " reports: " + strings.Join(hist, " "),
		"examination":     "Soft abdomen, mild tenderness in the left iliac fossa, no masses.",
		"investigations":  inv,
		"managementSoFar": "Dietary advice and soluble fibre; mebeverine, then peppermint oil.",
		"medications": map[string]any{"state": "recorded", "items": []map[string]any{
			{"name": "Mebeverine 135mg tablets", "dose": "One three times daily, 20 minutes before meals"},
		}},
		"allergies":   map[string]any{"state": "recorded", "items": []any{}},
		"patientView": map[string]any{"informed": true, "agrees": true},
	}
	b, err := json.Marshal(ref)
	if err != nil {
		panic(err) // maps of strings always marshal
	}
	return b
}

// nhsNumber returns a valid NHS number of the 999 range, numbered i.
func nhsNumber(i int) string {
	for k := i * 11; ; k++ {
		s := fmt.Sprintf("999%06d", k%1000000)
		sum := 0
		for j, c := range s {
			sum += int(c-'0') * (10 - j)
		}
		if check := 11 - sum%11; check == 11 {
			return s + "0"
		} else if check < 10 {
			return s + strconv.Itoa(check)
		}
	}
}
