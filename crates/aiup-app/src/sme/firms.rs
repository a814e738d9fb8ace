//! The firm registry: import (CSV, idempotent, every bad row listed), reads scoped to the caller, centres and assignment.
