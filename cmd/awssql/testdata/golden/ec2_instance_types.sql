SELECT region, instance_type, default_vcpus, default_cores, default_threads_per_core, memory_mib,
       processor_info -> 'SupportedArchitectures' AS architectures, hypervisor, bare_metal, current_generation,
       burstable_performance_supported, instance_storage_supported, gpu_info ->> '$.Gpus[0].Name' AS gpu
FROM ec2_instance_types
WHERE region = 'us-east-1'
ORDER BY instance_type;
