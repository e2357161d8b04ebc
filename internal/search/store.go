package search

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"eilnet/internal/postgres"
)

// Kinds of object a search finds, as GraphQL names them.
const (
	KindProvince  = "Province"
	KindOffice    = "Office"
	KindMember    = "Member"
	KindFactory   = "Factory"
	KindComplaint = "Complaint"
	KindSeminar   = "Seminar"
)

// Hit is one object found: its kind, its key (a code, or an id as text)
// and how well it matched, from 0 to 1.
type Hit struct {
	Kind  string  `db:"kind"`
	Key   string  `db:"key"`
	Score float64 `db:"score"`
}

// Store searches PostgreSQL.
type Store struct {
	db        sqlx.ExtContext
	districts Districts
}

// Districts finds districts by name (refdata.Catalog does): factories in
// the districts whose names contain the text are hits, here and in
// factory filters.
type Districts interface {
	DistrictsContaining(text string) []string
}

// NewStore returns a Store reading through db.
func NewStore(db sqlx.ExtContext, districts Districts) *Store {
	return &Store{db: db, districts: districts}
}

// How hits are ranked. An exact identifier or name scores 1, and the
// office of a province named exactly 0.9. A field that contains the text
// scores from 0.5 up: a quarter more when the text starts the field or one
// of its words, and up to a quarter more for how much of the field the
// text is, so that the shortest name containing it ranks first. A factory
// in a district whose name contains the text scores 0.5 to 0.75 likewise;
// a complaint whose description mentions it, 0.5. A name only similar to
// the text (a typo, another spelling) scores below 0.5: 0.45 times
// pg_trgm's word similarity. Equal scores keep each kind's own order
// (complaints and seminars latest first, the rest by id). The scores are
// plain string arithmetic: trigram similarity of every containing row
// costs more than finding the rows, and a common Thai word is contained in
// thousands of rows at scale 10.
//
// Each kind finds its candidates through indexes (GIN trigram for ILIKE
// and <%, b-tree for identifiers) and keeps its best :first. The text is a
// parameter in every condition, not a column, so that the planner sees a
// constant and uses the indexes.

// containingQuery finds the objects whose identifiers or names equal or contain
// the text.
var containingQuery = `SELECT kind, key, CAST(score AS double precision) AS score FROM (
    (SELECT 'Province' AS kind, pr.code AS key,
            CASE WHEN pr.code IN (` + namedProvince + `) THEN 1
                 ELSE greatest(` + contains("pr.name_th") + `, ` + contains("pr.name_en") + `) END AS score, 0 AS tiebreak
     FROM provinces pr
     WHERE pr.code = CAST(:text AS text) OR pr.name_th ILIKE CAST(:pattern AS text) OR pr.name_en ILIKE CAST(:pattern AS text)
     ORDER BY score DESC, key LIMIT :first)
    UNION ALL
    (SELECT 'Office', o.code,
            CASE WHEN upper(o.code) = upper(CAST(:text AS text)) OR o.name_th = CAST(:text AS text) OR lower(o.name_en) = lower(CAST(:text AS text)) THEN 1
                 WHEN o.province_code IN (` + namedProvince + `) THEN 0.9
                 ELSE greatest(` + contains("o.name_th") + `, ` + contains("o.name_en") + `) END, 0
     FROM offices o
     WHERE upper(o.code) = upper(CAST(:text AS text)) OR o.name_th ILIKE CAST(:pattern AS text) OR o.name_en ILIKE CAST(:pattern AS text)
        OR o.province_code IN (` + namedProvince + `)
     ORDER BY 3 DESC, 2 LIMIT :first)
    UNION ALL
    (SELECT 'Member', CAST(m.id AS text),
            CASE WHEN m.full_name = CAST(:text AS text) THEN 1 ELSE ` + contains("m.full_name") + ` END, m.id
     FROM members m
     WHERE CAST(:members AS boolean) AND m.full_name ILIKE CAST(:pattern AS text)
     ORDER BY 3 DESC, m.id LIMIT :first)
    UNION ALL
    (SELECT 'Factory', CAST(f.id AS text),
            CASE WHEN f.registration_no = CAST(:text AS text) OR f.name = CAST(:text AS text) THEN 1
                 ELSE greatest(` + contains("f.name") + `, ` + contains("f.registration_no") + `,
                               ` + partOf("d.name_th") + `, ` + partOf("d.name_en") + `) END, f.id
     FROM factories f LEFT JOIN districts d ON d.code = f.district_code
     WHERE f.registration_no = CAST(:text AS text) OR f.name ILIKE CAST(:pattern AS text) OR f.registration_no ILIKE CAST(:pattern AS text)
        OR f.district_code = ANY(CAST(:districts AS text[]))
     ORDER BY 3 DESC, f.id LIMIT :first)
    UNION ALL
    (SELECT 'Complaint', CAST(c.id AS text),
            CASE WHEN c.reference_no = CAST(:text AS text) THEN 1 ELSE ` + contains("c.reference_no") + ` END, -extract(epoch FROM c.filed_at)
     FROM complaints c
     WHERE c.reference_no = CAST(:text AS text) OR c.reference_no ILIKE CAST(:pattern AS text)
     ORDER BY 3 DESC, c.filed_at DESC, c.id DESC LIMIT :first)
    UNION ALL
    (SELECT 'Complaint', CAST(c.id AS text), 0.5, -extract(epoch FROM c.filed_at)
     FROM complaints c
     WHERE c.description ILIKE CAST(:pattern AS text) AND NOT c.reference_no ILIKE CAST(:pattern AS text)
     ORDER BY c.filed_at DESC, c.id DESC LIMIT :first)
    UNION ALL
    (SELECT 'Seminar', CAST(s.id AS text),
            CASE WHEN s.title = CAST(:text AS text) THEN 1 ELSE ` + contains("s.title") + ` END, -(s.starts_on - DATE '2000-01-01')
     FROM seminars s
     WHERE s.title ILIKE CAST(:pattern AS text)
     ORDER BY 3 DESC, s.starts_on DESC, s.id DESC LIMIT :first)
) AS hits
ORDER BY score DESC, kind, tiebreak, key
LIMIT :first`

// similarQuery finds the objects whose names are only similar to the text.
// Such a hit never outranks a containing one, so it is looked for only
// when fewer than :first objects contain the text and none is named or
// identified by it exactly: a second statement
// rather than a branch of the first, because planning it costs more than
// running either (some 5 ms at the demo network's size).
var similarQuery = `SELECT kind, key, CAST(score AS double precision) AS score FROM (
    (SELECT 'Province' AS kind, pr.code AS key, ` + similar("pr.name_th", "pr.name_en") + ` AS score, 0 AS tiebreak
     FROM provinces pr
     WHERE (CAST(:text AS text) <% pr.name_th OR CAST(:text AS text) <% pr.name_en)
       AND NOT (pr.name_th ILIKE CAST(:pattern AS text) OR pr.name_en ILIKE CAST(:pattern AS text))
     ORDER BY 3 DESC, 2 LIMIT :first)
    UNION ALL
    (SELECT 'Office', o.code, ` + similar("o.name_th", "o.name_en") + `, 0
     FROM offices o
     WHERE (CAST(:text AS text) <% o.name_th OR CAST(:text AS text) <% o.name_en)
       AND NOT (o.name_th ILIKE CAST(:pattern AS text) OR o.name_en ILIKE CAST(:pattern AS text))
     ORDER BY 3 DESC, 2 LIMIT :first)
    UNION ALL
    (SELECT 'Member', CAST(m.id AS text), ` + similar("m.full_name") + `, m.id
     FROM members m
     WHERE CAST(:members AS boolean) AND CAST(:text AS text) <% m.full_name AND NOT m.full_name ILIKE CAST(:pattern AS text)
     ORDER BY 3 DESC, m.id LIMIT :first)
    UNION ALL
    (SELECT 'Factory', CAST(f.id AS text), ` + similar("f.name") + `, f.id
     FROM factories f
     WHERE CAST(:text AS text) <% f.name AND NOT (f.name ILIKE CAST(:pattern AS text) OR f.registration_no ILIKE CAST(:pattern AS text)
                                     OR f.district_code = ANY(CAST(:districts AS text[])))
     ORDER BY 3 DESC, f.id LIMIT :first)
    UNION ALL
    (SELECT 'Seminar', CAST(s.id AS text), ` + similar("s.title") + `, -(s.starts_on - DATE '2000-01-01')
     FROM seminars s
     WHERE CAST(:text AS text) <% s.title AND NOT s.title ILIKE CAST(:pattern AS text)
     ORDER BY 3 DESC, s.starts_on DESC, s.id DESC LIMIT :first)
) AS hits
ORDER BY score DESC, kind, tiebreak, key
LIMIT :first`

// namedProvince is the code of the province the text names exactly: the
// office of that province ranks next to it.
const namedProvince = `SELECT x.code FROM provinces x
    WHERE x.code = CAST(:text AS text) OR lower(x.name_en) = lower(CAST(:text AS text)) OR x.name_th = CAST(:text AS text)`

// contains is the score of column when it contains the text, else 0.
// The column is one of the constants above, never input.
func contains(column string) string {
	return `CASE WHEN ` + column + ` ILIKE CAST(:pattern AS text)
                 THEN 0.5 + 0.25 * CAST(` + column + ` ILIKE CAST(:prefix AS text) OR ` + column + ` ILIKE CAST(:word AS text) AS int)
                          + 0.25 * char_length(CAST(:text AS text)) / char_length(` + column + `)
                 ELSE 0 END`
}

// partOf is the score of a factory in a district whose name, column,
// contains the text: from 0.5 to 0.75 for how much of the name it is.
func partOf(column string) string {
	return `CASE WHEN ` + column + ` ILIKE CAST(:pattern AS text)
                 THEN 0.5 + 0.25 * char_length(CAST(:text AS text)) / char_length(` + column + `)
                 ELSE 0 END`
}

// similar is the score of the columns, the best of them, when they are
// only similar to the text.
func similar(columns ...string) string {
	terms := make([]string, len(columns))
	for i, c := range columns {
		terms[i] = `word_similarity(CAST(:text AS text), ` + c + `)`
	}
	return `0.45 * greatest(` + strings.Join(terms, ", ") + `)`
}

// Search finds the objects best matching normalised text t (see Text),
// best first, at most first of them; members only when members is true.
func (s *Store) Search(ctx context.Context, t string, first int, members bool) ([]Hit, error) {
	var hits []Hit
	err := postgres.Select(ctx, s.db, &hits, containingQuery, s.params(t, first, members))
	// Similar names are for misspelt text: text that exactly names or
	// identifies something is not.
	if err != nil || len(hits) == first || len(hits) > 0 && hits[0].Score == 1 {
		return hits, err
	}
	var more []Hit
	err = postgres.Select(ctx, s.db, &more, similarQuery, s.params(t, first-len(hits), members))
	return append(hits, more...), err
}

// params are the query's parameters for text t: the ILIKE patterns of
// containing it, starting with it and having a word start with it.
func (s *Store) params(t string, first int, members bool) map[string]any {
	escaped := likeEscaper.Replace(t)
	return map[string]any{"text": t, "pattern": "%" + escaped + "%", "prefix": escaped + "%", "word": "% " + escaped + "%",
		"districts": pq.Array(s.districts.DistrictsContaining(t)), "first": first, "members": members}
}
