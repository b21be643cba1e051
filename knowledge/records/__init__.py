"""What citizens leave for staff, written only through the records endpoints: feedback, handoff
requests, unanswered questions, turn statuses; and what is built on them: the dashboard figures,
the reports and retention."""
