package ers

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const ubrn = "000000070000"

func TestUploadFile(t *testing.T) {
	tests := []struct {
		name     string
		location string
	}{
		{"relative location", "Binary/a7c98bb4-c0d0-4094-b26d-8dbd1677edc8"},
		{"absolute location", "https://sandbox.api.service.nhs.uk/referrals/FHIR/STU3/Binary/a7c98bb4-c0d0-4094-b26d-8dbd1677edc8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := server(t, answerWith(http.StatusCreated, nil, "Location", tt.location))
			data := []byte("%PDF-1.7\n\x00\xff binary")
			loc, err := c.UploadFile(context.Background(), File{
				Name: "Referral letter.PDF", ContentType: "application/pdf", Data: data, ReferralID: ubrn,
			})
			require.NoError(t, err)
			assert.Equal(t, "Binary/a7c98bb4-c0d0-4094-b26d-8dbd1677edc8", loc)

			require.Len(t, got.all(), 1)
			s := got.all()[0]
			assert.Equal(t, http.MethodPost, s.method)
			assert.Equal(t, "/referrals/FHIR/STU3/Binary", s.path)
			assertHeaders(t, s.header, "application/pdf")
			assert.Equal(t, "Referral letter.PDF", s.header.Get("NHSD-eRS-File-Name"))
			assert.Equal(t, ubrn, s.header.Get("NHSD-eRS-Referral-ID"))
			assert.Equal(t, data, s.body, "raw bytes, not base64 or JSON")
		})
	}
}

func TestUploadFileBadLocation(t *testing.T) {
	for _, loc := range []string{"", "Binary/", "/STU3/Binary/abc", "https://x.example/other/abc", "Binary/abc/../../x"} {
		t.Run(loc, func(t *testing.T) {
			c, _ := server(t, answerWith(http.StatusCreated, nil, "Location", loc))
			_, err := c.UploadFile(context.Background(), File{Name: "a.txt", ContentType: "text/plain", Data: []byte("x"), ReferralID: ubrn})
			assert.ErrorIs(t, err, ErrBadResponse)
		})
	}
}

// TestUploadFileGuards: nothing is sent when a check fails.
func TestUploadFileGuards(t *testing.T) {
	pdf := func(f func(*File)) File {
		file := File{Name: "letter.pdf", ContentType: "application/pdf", Data: []byte("%PDF"), ReferralID: ubrn}
		f(&file)
		return file
	}
	tests := []struct {
		name string
		file File
		want error
	}{
		{"one byte over 5 MB", pdf(func(f *File) { f.Data = make([]byte, MaxFileSize+1) }), ErrFileTooLarge},
		{"empty file", pdf(func(f *File) { f.Data = nil }), ErrInvalidRequest},
		{"executable", pdf(func(f *File) { f.ContentType = "application/x-msdownload"; f.Name = "a.exe" }), ErrContentType},
		{"html", pdf(func(f *File) { f.ContentType = "text/html"; f.Name = "a.html" }), ErrContentType},
		{"application/xml (e-RS: 415)", pdf(func(f *File) { f.ContentType = "application/xml"; f.Name = "a.xml" }), ErrContentType},
		{"application/rtf (e-RS: 415)", pdf(func(f *File) { f.ContentType = "application/rtf"; f.Name = "a.rtf" }), ErrContentType},
		{"zip named pdf", pdf(func(f *File) { f.ContentType = "application/zip" }), ErrContentType},
		{"type and extension differ", pdf(func(f *File) { f.ContentType = "image/png" }), ErrContentType},
		{"no content type", pdf(func(f *File) { f.ContentType = "" }), ErrContentType},
		{"no name", pdf(func(f *File) { f.Name = "" }), ErrFileName},
		{"no extension", pdf(func(f *File) { f.Name = "letter" }), ErrFileName},
		{"only an extension", pdf(func(f *File) { f.Name = ".pdf" }), ErrFileName},
		{"unix path", pdf(func(f *File) { f.Name = "../../etc/letter.pdf" }), ErrFileName},
		{"windows path", pdf(func(f *File) { f.Name = `C:\letters\letter.pdf` }), ErrFileName},
		{"newline", pdf(func(f *File) { f.Name = "letter\r\nX-Injected: 1.pdf" }), ErrFileName},
		{"NUL", pdf(func(f *File) { f.Name = "letter\x00.pdf" }), ErrFileName},
		{"invalid UTF-8", pdf(func(f *File) { f.Name = "letter\xff.pdf" }), ErrFileName},
		{"256 characters", pdf(func(f *File) { f.Name = strings.Repeat("a", 252) + ".pdf" }), ErrFileName},
		{"no referral id", pdf(func(f *File) { f.ReferralID = "" }), ErrInvalidRequest},
		{"referral id not a UBRN", pdf(func(f *File) { f.ReferralID = "7000" }), ErrInvalidRequest},
	}
	c, got := server(t, answerWith(http.StatusCreated, nil, "Location", "Binary/x"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.UploadFile(context.Background(), tt.file)
			assert.ErrorIs(t, err, tt.want)
			if tt.file.Name != "" {
				assert.NotContains(t, err.Error(), tt.file.Name, "the name is never repeated")
			}
		})
	}
	assert.Empty(t, got.all(), "nothing sent")
}

func TestUploadFileLimitsAreInclusive(t *testing.T) {
	c, got := server(t, answerWith(http.StatusCreated, nil, "Location", "Binary/x1"))
	tests := []File{
		{Name: "scan.pdf", ContentType: "application/pdf", Data: make([]byte, MaxFileSize), ReferralID: ubrn},
		{Name: strings.Repeat("é", 251) + ".txt", ContentType: "text/plain; charset=utf-8", Data: []byte("x"), ReferralID: ubrn},
		{Name: "photo.JPEG", ContentType: "image/jpeg", Data: []byte{0xff, 0xd8}, ReferralID: ubrn},
		{Name: "letter.docx", ContentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data: []byte("PK"), ReferralID: ubrn},
		{Name: "letter.doc", ContentType: "application/msword", Data: []byte("x"), ReferralID: ubrn},
		{Name: "letter.xml", ContentType: "text/xml", Data: []byte("<a/>"), ReferralID: ubrn},
		{Name: "letter.rtf", ContentType: "text/rtf", Data: []byte("{\\rtf1}"), ReferralID: ubrn},
		{Name: "image.png", ContentType: "image/png", Data: []byte("\x89PNG"), ReferralID: ubrn},
	}
	for _, f := range tests {
		_, err := c.UploadFile(context.Background(), f)
		assert.NoError(t, err, f.ContentType)
	}
	all := got.all()
	require.Len(t, all, len(tests))
	assert.Len(t, all[0].body, MaxFileSize)
	assert.Equal(t, "text/plain; charset=utf-8", all[1].header.Get("Content-Type"), "the file's own content type is sent")
}
