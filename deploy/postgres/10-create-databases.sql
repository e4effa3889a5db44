-- One database per service (DESIGN.md): registry (with the admin's ab_* tables), notifications, reports.
CREATE DATABASE bansos_registry;
CREATE DATABASE bansos_notifications;
CREATE DATABASE bansos_reports;
