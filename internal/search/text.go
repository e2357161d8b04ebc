// Package search finds things by text: the normalisation and matching rules
// every text filter shares, and the ranked search across the graph.
//
// Thai is written without spaces between words, and PostgreSQL's full-text
// search does not segment it, so text is matched by trigrams (pg_trgm):
// "contains" is ILIKE, backed by GIN trigram indexes for 3 or more
// characters, and similarity ranks the hits.
package search

import (
	"strings"
	"unicode/utf8"

	"eilnet/internal/apperr"
	"eilnet/internal/validate"
)

const (
	// MinRunes is the shortest text worth searching for: one character
	// matches nearly everything.
	MinRunes = 2
	// MaxRunes bounds the text; no name or number is longer.
	MaxRunes = 200
)

// Text checks and normalises the search text of argument arg.
func Text(arg, text string) (string, error) {
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return "", apperr.Errorf(apperr.BadUserInput, "%s is not valid text", arg)
	}
	t := validate.Normalize(text)
	switch n := utf8.RuneCountInString(t); {
	case n < MinRunes:
		return "", apperr.Errorf(apperr.BadUserInput, "%s must have at least %d characters", arg, MinRunes)
	case n > MaxRunes:
		return "", apperr.Errorf(apperr.BadUserInput, "%s may have at most %d characters", arg, MaxRunes)
	}
	return t, nil
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Contains is the ILIKE pattern of text that contains normalised text t,
// or nil when t is empty (no condition).
func Contains(t string) *string {
	if t == "" {
		return nil
	}
	p := "%" + likeEscaper.Replace(t) + "%"
	return &p
}
