"""Running the warehouse unattended: the landing sensor and the schedules (`docs/operations.md`)."""
