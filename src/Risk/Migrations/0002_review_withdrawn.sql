-- An order sent to review can end before anyone decides (the customer cancels it, or its stock hold runs out):
-- ordering records that as the outcome "withdrawn", so it leaves the review queue.
alter table risk_assessments drop constraint risk_assessments_review_outcome_check;
alter table risk_assessments add constraint risk_assessments_review_outcome_check
    check (review_outcome in ('approved', 'rejected', 'withdrawn')) not valid;
alter table risk_assessments validate constraint risk_assessments_review_outcome_check;
