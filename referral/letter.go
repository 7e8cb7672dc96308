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
//
// Every block has a Path field: the JSON path of the referral field it
// shows ("patient", "investigations"), so that warnings and errors can
// name the field and never the text. A KeyValue has its own Path.
type Block interface {
	// BlockPath returns the block's Path.
	BlockPath() string
}

// Letterhead is the practice's name, address and contact details.
type Letterhead struct {
	Name    string
	Lines   []string   // postal address lines, town and postcode last
	Details []KeyValue // "Tel", "Email", "ODS code"
	Path    string
}

// Addressee is the recipient block.
type Addressee struct {
	Lines []string
	Path  string
}

// Heading starts a section. Renderers keep it with what follows.
type Heading struct {
	Text string
	Path string
}

// Paragraph is running text. Strong paragraphs (the "Re:" line) are bold.
// Text may hold newlines, which renderers keep as line breaks.
type Paragraph struct {
	Text   string
	Strong bool
	Path   string
}

// Notice is a highlighted box near the top of the letter: the priority
// banner, or communication needs the service must act on before the visit.
type Notice struct {
	Title string
	Lines []string
	// Urgent marks the priority banner, which renderers show unlike any
	// information panel.
	Urgent bool
	Path   string
}

// Summary is the short "At a glance" block near the top of the letter: a
// few labelled facts repeated from the sections that follow, so that a
// reader finds them first.
type Summary struct {
	Title string
	Items []KeyValue
	Path  string
}

// KeyValue is one labelled item.
type KeyValue struct {
	Key   string
	Value string
	Path  string
}

// KeyValueList is a list of labelled items.
type KeyValueList struct {
	Items []KeyValue
	Path  string
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
	Path   string
}

// StatementBox is the contractual statement, printed in a box.
type StatementBox struct {
	Title      string
	Paragraphs []string
	Citation   string // where the statement comes from, for the reader
	Path       string
}

// Signature is the sign-off. Renderers never split it across pages.
type Signature struct {
	Closing string   // "Yours sincerely"
	Lines   []string // name, role, registration, practice
	Path    string
}

// CopyList lists who gets a copy of the letter ("cc: the patient").
type CopyList struct {
	Lines []string
	Path  string
}

// BlockPath returns b.Path.
func (b *Letterhead) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *Addressee) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *Heading) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *Paragraph) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *Notice) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *Summary) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *KeyValueList) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *Table) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *StatementBox) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *Signature) BlockPath() string { return b.Path }

// BlockPath returns b.Path.
func (b *CopyList) BlockPath() string { return b.Path }
