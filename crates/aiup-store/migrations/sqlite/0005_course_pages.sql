-- aiup store, SQLite backend: what a course page needs to act on.
-- Institutions get their contact (address, phone, email, website; NULL when not given).
-- Courses get `details`: the syllabus, timetable, entry requirements and quality signals as one
-- JSON object (as `aiup_catalogue::CourseDetails` serialises it; `{}` when none are given),
-- since they are read and written only with their course. Quality values are integers there
-- (tenths of a point, basis points), never floats. Cohorts get their application period and
-- whether a waiting list is taken when full.

ALTER TABLE institutions ADD COLUMN address TEXT;
ALTER TABLE institutions ADD COLUMN phone TEXT;
ALTER TABLE institutions ADD COLUMN email TEXT;
ALTER TABLE institutions ADD COLUMN website TEXT
    CHECK (website IS NULL OR website LIKE 'https://%' OR website LIKE 'http://%');

ALTER TABLE courses ADD COLUMN details TEXT NOT NULL DEFAULT '{}';

ALTER TABLE cohorts ADD COLUMN application_start TEXT;
ALTER TABLE cohorts ADD COLUMN application_end TEXT
    CHECK ((application_start IS NULL) = (application_end IS NULL)
           AND (application_end IS NULL OR (application_end >= application_start AND application_end <= start_date)));
ALTER TABLE cohorts ADD COLUMN waiting_list INTEGER NOT NULL DEFAULT 0 CHECK (waiting_list IN (0, 1));
