-- aiup store, PostgreSQL backend: what a course page needs to act on.
-- Institutions get their contact (address, phone, email, website; NULL when not given).
-- Courses get `details`: the syllabus, timetable, entry requirements and quality signals as one
-- JSON object (as `aiup_catalogue::CourseDetails` serialises it; `{}` when none are given),
-- kept as text so it reads back byte for byte; it is read and written only with its course.
-- Quality values are integers there (tenths of a point, basis points), never floats. Cohorts
-- get their application period and whether a waiting list is taken when full.

ALTER TABLE institutions
    ADD COLUMN address TEXT,
    ADD COLUMN phone TEXT,
    ADD COLUMN email TEXT,
    ADD COLUMN website TEXT CHECK (website IS NULL OR website LIKE 'https://%' OR website LIKE 'http://%');

ALTER TABLE courses ADD COLUMN details TEXT NOT NULL DEFAULT '{}';

ALTER TABLE cohorts
    ADD COLUMN application_start DATE,
    ADD COLUMN application_end DATE,
    ADD COLUMN waiting_list BOOLEAN NOT NULL DEFAULT FALSE,
    ADD CHECK ((application_start IS NULL) = (application_end IS NULL)),
    ADD CHECK (application_end IS NULL OR (application_end >= application_start AND application_end <= start_date));
