package referral

// Letter is a composed referral letter: a format-free document that a
// renderer walks in order. Everything a renderer prints is in the tree;
// renderers add only layout and page furniture such as "Page 1 of 2".
//
// A Letter is only ever made by Compose, which refuses two-week-wait cases.
type Letter struct {
	Meta   Meta
	Blocks []Block
}

// Meta is the letter's metadata and the text repeated on every page.
type Meta struct {
	// Title is "Referral letter: <specialty or service>"; never the
	// patient's name, since viewers show it in window titles.
	Title    string
	Subject  string
	Author   string // the practice
	Creator  string // "refletter"
	Language string // "en-GB"
	Date     Date
	// Patient identifies the patient on every page.
	Patient PageIdentity
	// Confidentiality is the confidentiality line for every page.
	Confidentiality string
	// TextSize is the body text size, in points, the letter must be
	// printed at (a large-print copy); 0 leaves it to the renderer.
	TextSize float64
	// PageMark is printed on every page of a letter that is not routine
	// ("Urgent"); it is empty for a routine letter.
	PageMark string
}

// PageIdentity is what each page carries to tie it to its patient.
type PageIdentity struct {
	Name        string // "Ms Siobhán Ó Súilleabháin"
	DateOfBirth string // "3 March 1961"
	NHSNumber   string // "999 000 0018"
}

// Block is one element of a letter: *Letterhead, *Addressee, *Heading,
// *Paragraph, *Summary, *Notice, *KeyValueList, *Table, *StatementBox,
// *Signature or *CopyList.
type Block interface {
	// Source is the JSON path of the referral field the block shows
	// ("patient", "investigations"), for warnings that must name a field
	// and never the text.
	Source() string
}

// Letterhead is the practice's name, address and contact details.
type Letterhead struct {
	Name    string
	Lines   []string   // postal address lines, town and postcode last
	Details []KeyValue // "Tel", "Email", "ODS code"
	Field   string
}

// Addressee is the recipient block.
type Addressee struct {
	Lines []string
	Field string
}

// Heading starts a section. Renderers keep it with what follows.
type Heading struct {
	Text  string
	Field string
}

// Paragraph is running text. Strong paragraphs (the "Re:" line) are bold.
// Text may hold newlines, which renderers keep as line breaks.
type Paragraph struct {
	Text   string
	Strong bool
	Field  string
}

// Notice is a highlighted box near the top of the letter: the priority
// banner, or communication needs the service must act on before the visit.
type Notice struct {
	Title string
	Lines []string
	// Urgent marks the priority banner, which renderers show unlike any
	// information panel.
	Urgent bool
	Field  string
}

// Summary is the short "At a glance" block near the top of the letter: a
// few labelled facts repeated from the sections that follow, so that a
// reader finds them first.
type Summary struct {
	Title string
	Items []KeyValue
	Field string
}

// KeyValue is one labelled item.
type KeyValue struct {
	Key   string
	Value string
	Field string
}

// KeyValueList is a list of labelled items.
type KeyValueList struct {
	Items []KeyValue
	Field string
}

// Table is a table with a header row. Widths are relative column widths
// (they need not add up to anything); renderers wrap long cells.
type Table struct {
	Header []string
	Rows   [][]string
	Widths []float64
	// NoWrap marks columns, such as dates, whose cells renderers keep on
	// one line while the other columns can give them room.
	NoWrap []bool
	Field  string
}

// StatementBox is the contractual statement, printed in a box.
type StatementBox struct {
	Title      string
	Paragraphs []string
	Citation   string // where the statement comes from, for the reader
	Field      string
}

// Signature is the sign-off. Renderers never split it across pages.
type Signature struct {
	Closing string   // "Yours sincerely"
	Lines   []string // name, role, registration, practice
	Field   string
}

// CopyList lists who gets a copy of the letter ("cc: the patient").
type CopyList struct {
	Lines []string
	Field string
}

// Source returns the block's field path.
func (b *Letterhead) Source() string { return b.Field }

// Source returns the block's field path.
func (b *Addressee) Source() string { return b.Field }

// Source returns the block's field path.
func (b *Heading) Source() string { return b.Field }

// Source returns the block's field path.
func (b *Paragraph) Source() string { return b.Field }

// Source returns the block's field path.
func (b *Notice) Source() string { return b.Field }

// Source returns the block's field path.
func (b *Summary) Source() string { return b.Field }

// Source returns the block's field path.
func (b *KeyValueList) Source() string { return b.Field }

// Source returns the block's field path.
func (b *Table) Source() string { return b.Field }

// Source returns the block's field path.
func (b *StatementBox) Source() string { return b.Field }

// Source returns the block's field path.
func (b *Signature) Source() string { return b.Field }

// Source returns the block's field path.
func (b *CopyList) Source() string { return b.Field }
