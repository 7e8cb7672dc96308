package pdf

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refletter/refletter/referral"
)

// A pdf.Warning reads, prints and marshals as a referral.Warning does.
func TestWarningLikeReferral(t *testing.T) {
	tests := []struct {
		code, path, msg string
		want            string
	}{
		{WarnCharacterReplaced, "history", "2 characters replaced", "history: 2 characters replaced (character-replaced)"},
		{WarnCharacterReplaced, "", "1 character replaced", "1 character replaced (character-replaced)"},
	}
	for _, tt := range tests {
		w := Warning{Code: tt.code, Path: tt.path, Message: tt.msg}
		rw := referral.Warning{Code: tt.code, Path: tt.path, Message: tt.msg}
		assert.Equal(t, tt.want, w.String())
		assert.Equal(t, tt.want, rw.String())
		got, err := json.Marshal(w)
		require.NoError(t, err)
		want, err := json.Marshal(rw)
		require.NoError(t, err)
		assert.JSONEq(t, string(want), string(got))
	}
}
