package ers

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxFileSize is the largest file eRS accepts, 5 MB (taken as 5 × 1024 ×
// 1024 bytes), checked before anything is sent.
const MaxFileSize = 5 << 20

// MaxFileName is the longest file name sent as NHSD-eRS-File-Name.
const MaxFileName = 255

// contentTypes are the media types the A020 specification lists, with the
// file name extensions each may carry. XML and RTF are text/xml and
// text/rtf: e-RS answers application/xml and application/rtf with 415.
var contentTypes = map[string][]string{
	"text/plain":         {".txt"},
	"application/pdf":    {".pdf"},
	"text/xml":           {".xml"},
	"text/rtf":           {".rtf", ".rtx"},
	"audio/basic":        {".au"},
	"audio/mpeg":         {".mp3"},
	"image/png":          {".png"},
	"image/gif":          {".gif"},
	"image/jpeg":         {".jpg", ".jpe", ".jpeg"},
	"image/tiff":         {".tif", ".tiff"},
	"video/mpeg":         {".mpg", ".mpeg", ".mpe"},
	"application/msword": {".doc"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
	"application/dicom": {".dcm"},
}

// File is a file to upload to the eRS document store (A020).
type File struct {
	// Name is the file name with its extension, such as "letter.pdf": at
	// most 255 characters, no path, no control characters. Sent as
	// NHSD-eRS-File-Name.
	Name string
	// ContentType is the file's media type, one eRS accepts and matching the
	// extension, such as application/pdf.
	ContentType string
	// Data is the file: at most MaxFileSize bytes.
	Data []byte
	// ReferralID is the UBRN of the referral the file is for, sent as
	// NHSD-eRS-Referral-ID: A012 attaches only files uploaded with one.
	ReferralID string
}

const opUpload = "A020 upload file"

// checkFile returns an error wrapping ErrFileTooLarge, ErrContentType,
// ErrFileName or ErrInvalidRequest. It never repeats the name.
func checkFile(f File) error {
	if len(f.Data) > MaxFileSize {
		return fmt.Errorf("%w: %d bytes is over the limit of %d", ErrFileTooLarge, len(f.Data), MaxFileSize)
	}
	if len(f.Data) == 0 {
		return fmt.Errorf("%w: %s: data: the file is empty", ErrInvalidRequest, opUpload)
	}
	name := f.Name
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("%w: name: required", ErrFileName)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: name: not valid UTF-8", ErrFileName)
	case utf8.RuneCountInString(name) > MaxFileName:
		return fmt.Errorf("%w: name: longer than %d characters", ErrFileName, MaxFileName)
	case hasControl(name):
		return fmt.Errorf("%w: name: holds a control character", ErrFileName)
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return fmt.Errorf("%w: name: holds a path, not only a file name", ErrFileName)
	}
	ext := strings.ToLower(path.Ext(name))
	if ext == "" || ext == name {
		return fmt.Errorf("%w: name: has no extension", ErrFileName)
	}
	mt, _, err := mime.ParseMediaType(f.ContentType)
	if err != nil {
		return fmt.Errorf("%w: not a media type", ErrContentType)
	}
	exts, ok := contentTypes[mt]
	if !ok {
		return fmt.Errorf("%w: %s is not a type eRS accepts", ErrContentType, mt)
	}
	if !slices.Contains(exts, ext) {
		return fmt.Errorf("%w: the extension does not match %s", ErrContentType, mt)
	}
	if !isUBRN(f.ReferralID) {
		return fmt.Errorf("%w: %s: referralId: a UBRN is 12 digits", ErrInvalidRequest, opUpload)
	}
	return nil
}

// UploadFile checks f and sends it to the eRS document store (A020), raw,
// with its own content type. It returns the file's location, "Binary/<id>",
// for a Document. Nothing is sent when a check fails.
func (cl *Client) UploadFile(ctx context.Context, f File) (string, error) {
	if err := checkFile(f); err != nil {
		return "", err
	}
	a, err := cl.do(ctx, call{op: opUpload, method: http.MethodPost, path: "/STU3/Binary",
		body: f.Data, contentType: f.ContentType,
		header: http.Header{
			"NHSD-eRS-File-Name":   {f.Name},
			"NHSD-eRS-Referral-ID": {f.ReferralID},
		}})
	if err != nil {
		return "", err
	}
	loc, ok := binaryLocation(a.header.Get("Location"))
	if !ok {
		return "", fmt.Errorf("%w: %s: no Binary/<id> Location", ErrBadResponse, opUpload)
	}
	return loc, nil
}

// binaryLocation returns "Binary/<id>" from a Location that is either that
// or an absolute URL whose path ends in it.
func binaryLocation(loc string) (string, bool) {
	if isBinaryRef(loc) {
		return loc, true
	}
	u, err := url.Parse(loc)
	if err != nil || !u.IsAbs() {
		return "", false
	}
	i := strings.LastIndex(u.Path, "/Binary/")
	if i < 0 {
		return "", false
	}
	b := u.Path[i+1:]
	return b, isBinaryRef(b)
}
