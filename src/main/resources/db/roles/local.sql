-- The two database roles of a local PostgreSQL (the run command, the tests, CI), created when missing. Run as a
-- superuser. circles_owner owns the schema and runs the migrations; circles_app is what the service connects as.
-- Deployments create their own (with passwords): docs/security.md.
DO
$$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'circles_owner') THEN
        CREATE ROLE circles_owner LOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'circles_app') THEN
        CREATE ROLE circles_app LOGIN;
    END IF;
END
$$;
