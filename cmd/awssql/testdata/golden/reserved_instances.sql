SELECT region, reserved_instance_id, instance_type, instance_state, scope, availability_zone, instance_count,
       start_time, end_time, duration, fixed_price, usage_price, offering_class, offering_type, product_description
FROM reserved_instances
ORDER BY region, reserved_instance_id;
