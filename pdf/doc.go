// Package pdf renders a composed referral letter (a *referral.Letter) as an
// A4 PDF that a consultant can read quickly and a practice can send,
// print or attach to an e-Referral.
//
// The package knows nothing of validation or routing: it prints exactly
// what the letter holds, in order, and adds only layout and page furniture.
// Every page carries the patient's name, date of birth and NHS number,
// "Page X of Y" and the letter's confidentiality line, so a page separated
// from the rest can still be matched to its patient. Large print, the
// patient's own copy, carries less (see Large print).
//
// # Layout
//
// Pages are A4 portrait with 20 mm margins (see WithMargins). Text is set in
// Liberation Sans, metric-compatible with Arial, embedded and cut down
// (the font is under the SIL Open Font License 1.1: see
// LICENSE-liberation; each cut keeps the font's copyright and licence
// notice in its name table). The body is 10.5 pt; headings are bold with a thin
// accent rule; the accent colour (NHS blue unless WithAccent says otherwise)
// is kept for the practice name, heading rules and notices such as the
// priority banner. Tables wrap long cells and repeat their header row after
// a page break. A heading is never the last line on a page, a paragraph
// never leaves a single line behind, and the signature block and short
// boxes are never split.
//
// # Tagged PDF
//
// The PDF is tagged, for screen readers and reflow: a structure tree in
// reading order holds every piece of the letter's text exactly once, by
// role. The practice's name is H1; headings, and the titles of notices,
// of the At a glance block and of the statement, are H2; paragraphs,
// addresses and the sign-off are P; key and value lists (the At a glance
// facts too) are L, LI, Lbl and LBody; tables are Table,
// TR, TH (with a column scope) and TD; a logo or signature image is a
// Figure with alternative text. The page furniture, a table header
// repeated after a page break, and the backgrounds and borders of boxes
// are artifacts; a rule drawn among an element's text stays in it. The
// catalog says the document is marked, gives its language and asks
// viewers to show its title; each page's tab order follows the structure.
// Each drawn line ends in a space, so that text read from the structure
// keeps its words apart. A statement drawn beside the signature is its
// own element, read before the signature. RenderAll's document has one
// structure tree holding its letters in order.
//
// The tests read the structure back with poppler (pdfinfo -struct-text)
// and with a reader of their own: that the file is tagged, that the
// structure's text in order is the letter's without the furniture, where
// its headings and table cells are, that the images have alternative
// text, and that every line drawn is in exactly one marked-content
// sequence. Letters of every kind pass pdfcpu's strict validation. No
// validator for PDF/UA or PDF/A has been run, and the file claims neither.
//
// # Text the font cannot show
//
// Liberation Sans covers the Latin, Greek and Cyrillic scripts. Any other
// character (an emoji, Chinese or Arabic script) is printed as a visible
// marker, "[?]", and Render returns a Warning with the code
// WarnCharacterReplaced and the Path of the field. Hebrew, which the font
// has, is treated the same way: the renderer does not lay out right-to-left
// text, and printing it backwards would be worse than a marker. Warnings
// never hold the text itself, so they are safe to log.
//
// # Output
//
// Output is byte-identical for the same letter and options. The PDF's
// creation date is the letter's date unless WithCreationTime sets it. The
// document title is "Referral letter: <specialty>" as the letter's Meta
// gives it, never the patient's name, since viewers show it in window
// titles and recent-file lists. The language is en-GB.
//
// Render builds the whole PDF in memory and writes it only when it is
// complete: on error nothing is written. Errors never hold patient data;
// match them with errors.Is and errors.As.
//
// # Fonts
//
// Text is drawn with simple one-byte TrueType fonts. Every character the
// family has gets a fixed code on one of ten code pages, and each page a
// face uses is its own symbolic font: its cmap takes a code straight to a
// glyph, with no encoding or glyph names for a viewer to interpret, and a
// ToUnicode CMap says what each code means, for copying, searching and
// screen readers. Page 0 (ASCII, Latin-1 and the symbols letters use) is
// cut once per process, without its hinting; a letter that needs another
// page gets a cut of just the characters it uses.
//
// # Large print
//
// WithTextSize, or a letter's Meta.TextSize, prints the body text larger,
// up to 36 pt, for a patient's large-print copy: the letter is laid out on
// a page as many times smaller than A4 and drawn scaled up to fill it, so
// headings, tables, rules and images grow in proportion, margins widen
// (up to 30 mm), text rewraps and repaginates, and nothing is clipped.
// The pages stay A4.
//
// The page furniture does not grow with the body: scaled with 36 pt text
// it would wrap to eight lines or more and take a third of every page.
// Large print is the patient's copy, which the patient holds, so its
// furniture is compact. Every page carries the patient's name beside
// "Page X of Y" (and the mark of an urgent letter); the first page also
// carries the date of birth, the NHS number and the confidentiality line.
// Each part is kept whole on one line where it fits. The furniture's text
// is the standard letter's scaled up, but never under 14 pt, the smallest
// large print, nor over 18 pt, the top of the usual large-print range,
// whatever the body's size: after the first page it takes one line, two
// when the name does not fit beside the page label, and on the first page
// five or six for a name of usual length. The page count then grows with the square of the
// text size, as the text's area does: a copy at 36 pt has about four
// times the pages of one at 18 pt.
//
// # Performance
//
// Use one Renderer for many letters: it prepares images once and is safe
// for concurrent use. fpdf never parses a font for a letter: it is given a
// stand-in for each, and the fonts' objects are written in their place as
// the PDF is finished, page 0's made once per process and a letter's own
// cuts made quickly, with only their shared parts compressed. The drawer
// writes each page's content itself, and it is compressed by a small
// encoder of the package's own, about twice as fast on a letter's small
// streams as compress/flate's fastest level: fpdf would make a new
// compress/zlib writer, of about 1.2 MB, for every page.
package pdf
