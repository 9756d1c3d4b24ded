-- One strength scale, 0..1, across the API: tie strength was min(3, declared + Σ touchpoint weights) with weights of
-- 0.02..0.25; it is now min(1, declared + Σ weights) with the weights divided by 3. The part of a stored strength that
-- touchpoints contributed is divided by 3 accordingly; ties whose strength is their declared strength are unchanged.
-- The graph holds a copy of each strength: a reconcile (POST /api/v1/sync/reconcile, docs/operations.md) rewrites
-- the ties it finds stale, and the nightly strength refresh recomputes decay on the new scale.
UPDATE tie
   SET strength = LEAST(1.0, declared_strength + (strength - declared_strength) / 3.0)
 WHERE strength > declared_strength;

ALTER TABLE tie ADD CONSTRAINT tie_strength_scale CHECK (strength <= 1.0) NOT VALID;
ALTER TABLE tie VALIDATE CONSTRAINT tie_strength_scale;
