-- Search and filters for dashboards and analysts: trigram indexes for text
-- that finds Thai substrings, a great-circle distance and a spatial index
-- for "factories within a radius", and indexes for the added filters.

-- +goose Up

-- PostgreSQL's full-text search does not segment Thai (no spaces between
-- words), so text is matched by trigrams: any substring of three or more
-- characters finds the rows containing it, through a GIN index. pg_trgm is
-- a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- pg_trgm only counts letters and digits, as the database's character
-- classification (LC_CTYPE) defines them. Under a ctype that does not know
-- Thai (C, POSIX) every Thai name would have no trigrams and search would
-- find nothing; refuse such a database now rather than serve empty results.
-- +goose StatementBegin
DO $$
BEGIN
    IF show_trgm('ขอนแก่น') = '{}' THEN
        RAISE EXCEPTION 'this database''s LC_CTYPE (%) does not classify Thai letters; create it with a UTF-8 ctype such as C.UTF-8 or th_TH.UTF-8',
            current_setting('lc_ctype');
    END IF;
END
$$;
-- +goose StatementEnd

-- pg_trgm declares its word-similarity operator (<%, and %> the other way
-- round) as cheap as comparing two integers, while it extracts the
-- trigrams of every row it tests: some 10 microseconds for a Thai name.
-- Believing that, the planner tests every row of a 6,000-row table rather
-- than read the trigram index, twenty times slower. Declare a truer cost
-- where this role may: the functions belong to whoever installed the
-- extension (the bootstrap superuser for a trusted extension). Elsewhere
-- search stays correct, only slower on small tables; README says so.
-- +goose StatementBegin
DO $$
BEGIN
    ALTER FUNCTION word_similarity_op(text, text) COST 100;
    ALTER FUNCTION word_similarity_commutator_op(text, text) COST 100;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'cannot declare the cost of pg_trgm''s word similarity (%): similar-name search may scan small tables', SQLERRM;
END
$$;
-- +goose StatementEnd

CREATE INDEX members_full_name_trgm_idx ON members USING gin (full_name gin_trgm_ops);
CREATE INDEX factories_name_trgm_idx ON factories USING gin (name gin_trgm_ops);
CREATE INDEX factories_registration_no_trgm_idx ON factories USING gin (registration_no gin_trgm_ops);
CREATE INDEX complaints_description_trgm_idx ON complaints USING gin (description gin_trgm_ops);
CREATE INDEX complaints_reference_no_trgm_idx ON complaints USING gin (reference_no gin_trgm_ops);
CREATE INDEX seminars_title_trgm_idx ON seminars USING gin (title gin_trgm_ops);

-- Great-circle distance in kilometres between two points given in degrees
-- (haversine, on a sphere of the Earth's mean radius: within 0.5% of the
-- ellipsoid everywhere, closer at Thai latitudes than a flat projection).
-- A one-expression SQL function, so that the planner inlines it.
-- +goose StatementBegin
CREATE FUNCTION great_circle_km(lat1 double precision, lon1 double precision,
                                lat2 double precision, lon2 double precision)
    RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT 2 * 6371.0088 * asin(least(1, sqrt(
        sin(radians(lat2 - lat1) / 2) ^ 2
        + cos(radians(lat1)) * cos(radians(lat2)) * sin(radians(lon2 - lon1) / 2) ^ 2)))
$$;
-- +goose StatementEnd

-- Factories by location: a radius search first takes the bounding box of
-- the circle through this index, then checks the distance.
CREATE INDEX factories_location_idx ON factories USING gist (point(longitude, latitude))
    WHERE latitude IS NOT NULL;

-- Complaints of one category, newest first: the commonest dashboard filter.
CREATE INDEX complaints_category_filed_at_idx ON complaints (category, filed_at, id);

-- +goose Down
DROP INDEX complaints_category_filed_at_idx;
DROP INDEX factories_location_idx;
DROP FUNCTION great_circle_km;
DROP INDEX seminars_title_trgm_idx;
DROP INDEX complaints_reference_no_trgm_idx;
DROP INDEX complaints_description_trgm_idx;
DROP INDEX factories_registration_no_trgm_idx;
DROP INDEX factories_name_trgm_idx;
DROP INDEX members_full_name_trgm_idx;
-- +goose StatementBegin
DO $$
BEGIN
    ALTER FUNCTION word_similarity_op(text, text) COST 1;
    ALTER FUNCTION word_similarity_commutator_op(text, text) COST 1;
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END
$$;
-- +goose StatementEnd
