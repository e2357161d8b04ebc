-- Lists of one sector's members in a province (the analysts' "operators in
-- Khon Kaen"), and their counts, as index-only scans.

-- +goose Up
CREATE INDEX members_province_sector_joined_on_idx ON members (province_code, sector, joined_on, id);

-- +goose Down
DROP INDEX members_province_sector_joined_on_idx;
