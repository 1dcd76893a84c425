import { installAwsLambdaGlobal } from '../../lambda/runtime/awslambda';

// The handler module calls awslambda.streamifyResponse at load, as on Lambda.
installAwsLambdaGlobal();
