//! Roles, what each may do, and the scope that narrows it to one institution, one centre or
//! some programmes.

use serde::Serialize;

/// Who an account is in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A trainee: sees only their own records.
    Trainee,
    /// Staff of one training institution (scope: the institution's id).
    InstitutionStaff,
    /// A training doctor (훈련주치의) of one SME AI-training diffusion centre (scope: the centre).
    TrainingDoctor,
    /// An SME's HR lead (scope: the firm's business registration number, ten digits): the
    /// firm's diagnosis, plan and staff progress; accepts the plan and enrols staff.
    SmeHrLead,
    /// Ministry or HRD Korea staff running programmes (scope: optionally some programme ids).
    ProgrammeAdmin,
    /// Reads everything, changes nothing.
    Auditor,
    /// Runs the system: accounts and roles.
    Admin,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Trainee,
        Role::InstitutionStaff,
        Role::TrainingDoctor,
        Role::SmeHrLead,
        Role::ProgrammeAdmin,
        Role::Auditor,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Trainee => "trainee",
            Role::InstitutionStaff => "institution_staff",
            Role::TrainingDoctor => "training_doctor",
            Role::SmeHrLead => "sme_hr_lead",
            Role::ProgrammeAdmin => "programme_admin",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text.trim())
    }

    pub fn expected() -> String {
        Role::ALL.map(Role::as_str).join(", ")
    }

    /// The role's name for people, in Korean and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Role::Trainee => ("훈련생", "Trainee"),
            Role::InstitutionStaff => ("훈련기관 담당자", "Institution staff"),
            Role::TrainingDoctor => ("훈련주치의", "Training doctor"),
            Role::SmeHrLead => ("기업 인사·교육 담당자", "Firm's HR lead"),
            Role::ProgrammeAdmin => (
                "사업 관리자 (고용노동부·공단)",
                "Programme administrator (ministry, HRD Korea)",
            ),
            Role::Auditor => ("감사인", "Auditor"),
            Role::Admin => ("시스템 관리자", "System administrator"),
        }
    }

    /// What the scope of an account of this role names, if it has one.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::InstitutionStaff => ScopeKind::Required("institution"),
            Role::TrainingDoctor => ScopeKind::Required("centre"),
            Role::SmeHrLead => ScopeKind::Required("firm"),
            Role::ProgrammeAdmin => ScopeKind::Optional("programmes"),
            Role::Trainee | Role::Auditor | Role::Admin => ScopeKind::None,
        }
    }

    /// Whether the role may do `permission` at all. Record-level checks (whose record it is)
    /// come on top, in the services.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        use Role::*;
        match permission {
            OwnAccount => true,
            ReadPolicyVersions => matches!(self, ProgrammeAdmin | Auditor | Admin),
            ReadAudit => matches!(self, Auditor | Admin),
            ManageAccounts => matches!(self, Admin),
            ReadInstitutionRecords => matches!(self, InstitutionStaff | ProgrammeAdmin | Auditor | Admin),
            OwnLearning => matches!(self, Trainee),
            DecideApplications => matches!(self, InstitutionStaff),
            ReadEnrolments => matches!(self, ProgrammeAdmin | Auditor | Admin),
            RecordAttendance => matches!(self, InstitutionStaff),
            RunPayroll => matches!(self, ProgrammeAdmin),
            ReadPayroll => matches!(self, ProgrammeAdmin | Auditor | Admin),
            ManageFirms => matches!(self, ProgrammeAdmin),
            ReadSmeProgramme => matches!(self, ProgrammeAdmin | Auditor | Admin),
            ReadFirms => matches!(self, TrainingDoctor | SmeHrLead | ProgrammeAdmin | Auditor | Admin),
            VisitFirms => matches!(self, TrainingDoctor),
            ActForFirm => matches!(self, SmeHrLead),
            ReadDashboards => matches!(self, ProgrammeAdmin | Auditor | Admin),
            DraftReforms => matches!(self, ProgrammeAdmin),
            ManageProgrammeRecords => matches!(self, ProgrammeAdmin),
        }
    }
}

/// Whether a role's accounts carry a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    None,
    /// The scope must be given; the text names what it is.
    Required(&'static str),
    Optional(&'static str),
}

/// What a route or a service needs of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read and change one's own account: password, sessions, tokens. Every role.
    OwnAccount,
    /// The list of policy versions.
    ReadPolicyVersions,
    /// The audit log.
    ReadAudit,
    /// Create accounts, change roles and scopes, disable, reset passwords.
    ManageAccounts,
    /// An institution's courses and cohorts with their seats (staff: their own institution).
    ReadInstitutionRecords,
    /// A trainee's own learning records: profile, diagnosis, path, applications, card account.
    OwnLearning,
    /// Decide the applications to one's own institution's cohorts, and read their rosters.
    DecideApplications,
    /// People, enrolments and card accounts across programmes (programme admin: their programmes).
    ReadEnrolments,
    /// Record and correct attendance of one's own institution's cohorts, and show their
    /// check-in codes.
    RecordAttendance,
    /// Run, approve (not one's own run), export and cancel allowance payroll runs.
    RunPayroll,
    /// Payroll runs, their lines and totals.
    ReadPayroll,
    /// Import firms and partner-programme participant lists and the demand survey, and assign
    /// firms to diffusion centres.
    ManageFirms,
    /// The SME package across the country: targets, the integrated list, discovery nationwide,
    /// the demand survey's tables.
    ReadSmeProgramme,
    /// Firm records (training doctors: their centre's firms; HR leads: their own firm).
    ReadFirms,
    /// Schedule and record visits, diagnose and prescribe, for one's own centre's firms.
    VisitFirms,
    /// Accept one's own firm's training plan and enrol its staff.
    ActForFirm,
    /// The ministry dashboards: targets, budget execution, regions, SMEs, outcomes, the academy
    /// and infrastructure, reforms and their comparisons (programme admin: their programmes).
    ReadDashboards,
    /// Draft a reform (parameter changes) and run its comparison over the population.
    DraftReforms,
    /// Import programme records kept outside aiup: outcome files (employment insurance, startup
    /// registrations), outside progress figures, instructors and their academy tracks, and
    /// the labs and joint training centres.
    ManageProgrammeRecords,
}

impl Permission {
    pub const ALL: [Permission; 19] = [
        Permission::OwnAccount,
        Permission::ReadPolicyVersions,
        Permission::ReadAudit,
        Permission::ManageAccounts,
        Permission::ReadInstitutionRecords,
        Permission::OwnLearning,
        Permission::DecideApplications,
        Permission::ReadEnrolments,
        Permission::RecordAttendance,
        Permission::RunPayroll,
        Permission::ReadPayroll,
        Permission::ManageFirms,
        Permission::ReadSmeProgramme,
        Permission::ReadFirms,
        Permission::VisitFirms,
        Permission::ActForFirm,
        Permission::ReadDashboards,
        Permission::DraftReforms,
        Permission::ManageProgrammeRecords,
    ];

    /// Whether using the permission changes stored data (an auditor never may).
    pub fn changes_data(self) -> bool {
        matches!(
            self,
            Permission::ManageAccounts
                | Permission::OwnLearning
                | Permission::DecideApplications
                | Permission::RecordAttendance
                | Permission::RunPayroll
                | Permission::ManageFirms
                | Permission::VisitFirms
                | Permission::ActForFirm
                | Permission::DraftReforms
                | Permission::ManageProgrammeRecords
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn an_auditor_reads_everything_and_changes_nothing() {
        for permission in Permission::ALL {
            let allowed = Role::Auditor.allows(permission);
            if permission.changes_data() {
                assert!(!allowed, "auditor may {permission:?}");
            } else {
                assert!(allowed, "auditor may not read {permission:?}");
            }
        }
    }

    #[test]
    fn only_admins_manage_accounts() {
        let managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.allows(Permission::ManageAccounts))
            .collect();
        assert_eq!(managers, vec![Role::Admin]);
    }
}
