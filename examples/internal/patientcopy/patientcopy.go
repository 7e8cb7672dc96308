// Package patientcopy makes the patient's copy of a letter for the
// example tools, in the format the referral asks for.
package patientcopy

import (
	"bytes"

	"github.com/refletter/refletter/pdf"
	"github.com/refletter/refletter/referral"
)

// File is one file of the patient's copy, to be written beside the
// letter: the letter's name with Ext in place of its extension.
type File struct {
	Ext  string // ".patient.pdf"
	Data []byte
}

// Files makes the patient's copy of ref's letter when one is due, and no
// files when none is. With text it is plain text (".patient.txt");
// otherwise a PDF (".patient.pdf"), in large print when asked, and for a
// patient who asked for email the plain text too. A format the library
// cannot produce (easy read, braille, audio, other) still gets the
// standard PDF, for the practice to work from; referral.Decide warns of
// it. opts are the Compose options the letter was made with.
func Files(ref *referral.Referral, r *pdf.Renderer, text bool, opts ...referral.Option) ([]File, []pdf.Warning, error) {
	f, due := ref.PatientCopy()
	if !due {
		return nil, nil, nil
	}
	l, err := referral.Compose(ref, append(opts, referral.ForPatient())...)
	if err != nil {
		return nil, nil, err
	}
	var files []File
	var warns []pdf.Warning
	if !text {
		var buf bytes.Buffer
		if warns, err = r.Render(&buf, l); err != nil {
			return nil, nil, err
		}
		files = append(files, File{Ext: ".patient.pdf", Data: buf.Bytes()})
	}
	if text || f.Kind == referral.CopyEmail {
		var buf bytes.Buffer
		if err := l.WriteText(&buf); err != nil {
			return nil, nil, err
		}
		files = append(files, File{Ext: ".patient.txt", Data: buf.Bytes()})
	}
	return files, warns, nil
}
