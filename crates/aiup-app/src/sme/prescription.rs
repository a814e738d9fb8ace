//! Prescriptions: a training plan from the level and needs, each course priced by the rules engine; the HR lead's acceptance and staff enrolment.
