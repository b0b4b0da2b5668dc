SELECT region, endpoint, opt_in_status FROM regions ORDER BY region;
